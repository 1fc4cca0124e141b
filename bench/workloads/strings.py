# strings: build text by concatenation in a loop, then split it, scan the pieces and join them.
def main():
    rounds = 13
    rows_per_round = 25000
    total_chars = 0
    fields_seen = 0
    checksum = 0
    joined_chars = 0
    for r in range(rounds):
        rows = []
        for i in range(rows_per_round):
            line = ""
            for j in range(8):
                line = line + "k" + str((i * 8 + j + r) % 997) + ","
            rows.append(line)
        text = "\n".join(rows)
        total_chars = total_chars + len(text)
        fields = text.split(",")
        fields_seen = fields_seen + len(fields)
        for f in fields:
            if f.startswith("k"):
                checksum = (checksum + len(f) * 3) % 1000003
            else:
                checksum = (checksum + len(f)) % 1000003
        joined_chars = joined_chars + len(";".join(fields))
    print(total_chars, fields_seen, checksum, joined_chars)


main()
