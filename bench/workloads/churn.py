# churn: allocate many small objects and arrays, push and pop them, read their fields.
def main():
    n = 2400000
    stack = []
    counts = {}
    total = 0
    made = 0
    for i in range(n):
        o = {"id": i, "x": i % 100, "y": (i * 7) % 13, "tags": [i % 3, i % 5]}
        stack.append(o)
        made = made + 1
        key = "k" + str(i % 50)
        counts[key] = counts.get(key, 0) + 1
        if len(stack) >= 50:
            while len(stack) > 10:
                p = stack.pop()
                total = (total + p["x"] * p["y"] + p["tags"][0] + p["tags"][1]) % 1000003
    print(made, len(stack), len(counts), counts["k7"], total)


main()
