#!/usr/bin/env python3
"""The content of a Spring Boot jar, without the times of its build: a hash of every entry's name and CRC, nested
jars (BOOT-INF/lib) entry by entry too. Two packages of the same sources give the same hash, though their bytes
differ (each build stamps its entries, and a snapshot dependency's jar, with its own time). Usage: jar-content.py JAR"""
import hashlib
import io
import sys
import zipfile


def entries(archive, prefix, digest):
    for info in sorted(archive.infolist(), key=lambda entry: entry.filename):
        if info.filename.endswith(".jar"):
            with zipfile.ZipFile(io.BytesIO(archive.read(info))) as nested:
                entries(nested, prefix + info.filename + "!/", digest)
        elif not info.is_dir():
            digest.update(f"{prefix}{info.filename} {info.CRC:08x}\n".encode())


digest = hashlib.sha256()
with zipfile.ZipFile(sys.argv[1]) as jar:
    entries(jar, "", digest)
print(digest.hexdigest()[:16])
