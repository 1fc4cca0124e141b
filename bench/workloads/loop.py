# loop: a tight numeric loop with a data dependence between iterations (not constant-foldable).
def main():
    n = 16000000
    acc = 0
    s = 0
    for i in range(n):
        acc = (acc * 31 + i % 17) % 1000003
        s = s + acc % 7
    print(acc, s)


main()
