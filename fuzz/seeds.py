#!/usr/bin/env python3
"""Write the fuzz targets' seed inputs under fuzz/seeds/TARGET/ (tiny, committed).

Run from anywhere: `python3 fuzz/seeds.py`. The saved_run seed (seeds/saved_run/pooled.kiln,
8.6 KB) is a real run file, made once as tests/bad_inputs.rs's `saved("pooled")` makes one:
num_words 40, maxlen 20, 8-wide embedding, saved after 3 steps.
"""
import bz2
import gzip
import io
import pathlib
import tarfile
import zipfile

SEEDS = pathlib.Path(__file__).resolve().parent / "seeds"

CSV = b"text,label\ngreat film,1\nawful plot,0\n\"loved it, really\",1\nboring,0\n"
TSV = b"id\tdocument\tlabel\n1\tgreat film\t1\n2\tawful plot\t0\n3\tloved it\t1\n"
KOREAN = "document\tlabel\n정말 재미있는 영화\t1\n지루하고 별로였다\t0\n".encode()
JSONL = b'{"text": "great film", "label": 1}\n{"text": "awful plot", "label": 0}\n'
FASTTEXT = b"__label__2 Great film: loved it\n__label__1 Awful, boring plot\n__label__2 fine\n"
FOLDERS = [("train/pos/1_9.txt", b"great film"), ("train/neg/2_1.txt", b"awful plot"),
           ("test/pos/3_8.txt", b"loved it"), ("test/neg/4_2.txt", b"boring"), ("train/unsup/5_0.txt", b"x")]


def tar(files, mode):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode=mode) as t:
        for path, data in files:
            info = tarfile.TarInfo(path)
            info.size, info.mtime = len(data), 0
            t.addfile(info, io.BytesIO(data))
    return out.getvalue()


def zipped(files):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for path, data in files:
            z.writestr(zipfile.ZipInfo(path, (1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def entries(files):
    """The archive target's `path\\0contents\\0…` form, packed by the target itself."""
    return b"".join(p.encode() + b"\0" + d + b"\0" for p, d in files)


gz = lambda b: gzip.compress(b, mtime=0)
classes = [(p.replace("train/", ""), d) for p, d in FOLDERS[:2]]
seeds = {
    "data_file": {
        "csv": b"\x00" + CSV, "tsv": b"\x01" + TSV, "korean": b"\x02" + KOREAN, "jsonl": b"\x03" + JSONL,
        "fasttext": b"\x04" + FASTTEXT, "csv_gz": b"\x05" + gz(CSV), "ft_bz2": b"\x06" + bz2.compress(FASTTEXT),
        "zip": b"\x07" + zipped(classes), "picked_columns": b"\x48" + CSV, "utf16": b"\x00" + CSV.decode().encode("utf-16"),
    },
    "fasttext": {"lines": FASTTEXT, "no_newline": b"__label__1 one line", "crlf": FASTTEXT.replace(b"\n", b"\r\n")},
    "archive": {
        "zip": b"\x00" + zipped(classes), "tar_gz": b"\x01" + gz(tar(FOLDERS, "w")),
        "tar_entries": b"\x02" + entries(FOLDERS), "tar_bz2_entries": b"\x03" + entries(FOLDERS),
        "zip_entries": b"\x04" + entries(classes + [("__MACOSX/pos/._a.txt", b"x"), ("readme.md", b"hi")]),
    },
    "tokenizer": {
        "words": b"\x00\x20great film<br />loved it\nAwful, BORING plot!\n\n",
        "chars": b"\x01\x10great film\nawful\n",
        "bpe": b"\x02\x30great film great films\nawful awfully plot\n",
        "wordpiece": b"\x03\x30great film great films\nawful awfully plot\n",
        "korean": "\x05\x20정말 재미있는 영화\n지루하고 별로였다 ㅋㅋ\n".encode(),
        "reserved_oov_filters": b"\x60\x8a!,.\ngreat, film. loved it\nawful!\n",
        "english_stopwords": b"\xca\x10The film was GREAT\nthe plot was awful\n",
    },
    "word_vectors": {
        "word2vec": b"3 4\nthe 0.1 0.2 0.3 0.4\nfilm -1 0 1e-3 2\ngreat 1 1 1 1\n",
        "glove": b"the 0.1 0.2 0.3\nfilm -1 0 1e-3\n",
        "glove_gz": gz(b"the 0.1 0.2 0.3\nfilm -1 0 1e-3\n"),
    },
}

for target, files in seeds.items():
    folder = SEEDS / target
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    print(f"{target}: {len(files)} seeds")
