"""Fill empty msgstr of a catalogue from TSV files (msgid<TAB>msgstr, \\n for
newlines): the lead's tool to merge the translations helpers hand in.

    .venv/bin/python scripts/fill_po.py CATALOG.po FILE.tsv [FILE.tsv ...]

Prints the msgids still empty afterwards."""
import sys

from babel.messages.pofile import read_po, write_po


def main() -> None:
    po_path, *tsvs = sys.argv[1:]
    table = {}
    for path in tsvs:
        for line in open(path, encoding="utf-8"):
            line = line.rstrip("\n")
            if "\t" in line:
                msgid, msgstr = line.split("\t", 1)
                table[msgid.replace("\\n", "\n")] = msgstr.replace("\\n", "\n")
    with open(po_path, "rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id and not message.string and message.id in table:
            message.string = table[message.id]
            message.flags.discard("fuzzy")
    with open(po_path, "wb") as handle:
        write_po(handle, catalog, width=0)
    for message in catalog:
        if message.id and not message.string:
            print("still empty:", repr(message.id))


if __name__ == "__main__":
    main()
