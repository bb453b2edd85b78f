"""MS-OVBA 2.4.1 compression: the CompressedContainer every VBA source and the dir stream
are stored in.

``compress`` writes what Office's own compressor may write (flag bytes, literal bytes and
copy tokens with the offset/length split that depends on the position in the chunk);
``decompress`` reads any valid container. Both are pure Python (no dependency), so the
add-in builds anywhere Python runs, Pyodide included. ms_ovba_compression 1.0.1 (what the
ms-ovba package uses) fails its own round trip on streams longer than a few KB.
"""
from __future__ import annotations

CHUNK = 4096
_SIGNATURE = 0x01


def _bit_count(position: int) -> int:
    """Bits of a copy token's offset at ``position`` bytes into the decompressed chunk
    (2.4.1.3.19.1: max(ceil(log2(position)), 4))."""
    return max((position - 1).bit_length(), 4)


def compress(data: bytes) -> bytes:
    """``data`` as a CompressedContainer (signature byte 0x01, then one chunk per 4096)."""
    data = bytes(data)
    out = bytearray([_SIGNATURE])
    for start in range(0, len(data), CHUNK):
        chunk = data[start:start + CHUNK]
        body = _compress_chunk(chunk)
        if len(body) >= CHUNK:
            if len(chunk) < CHUNK:  # pragma: no cover - source text always compresses
                raise ValueError("incompressible data in a short chunk")
            # raw chunk: flag 0, size field 4095 (chunk of 4098 bytes with its header)
            out += (0x3000 | 0x0FFF).to_bytes(2, "little") + chunk
        else:
            header = 0x8000 | 0x3000 | ((len(body) + 2 - 3) & 0x0FFF)
            out += header.to_bytes(2, "little") + body
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    n = len(chunk)
    out = bytearray()
    index: dict[bytes, list[int]] = {}
    p = 0
    while p < n:
        flag_pos = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if p >= n:
                break
            best_len, best_off = 0, 0
            if p >= 1 and p + 3 <= n:
                bits = _bit_count(p)
                limit = min((0xFFFF >> bits) + 3, n - p)
                for cand in reversed(index.get(chunk[p:p + 3], [])[-64:]):
                    length = 0
                    while length < limit and chunk[cand + length] == chunk[p + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, p - cand
                        if length == limit:
                            break
            if best_len >= 3:
                bits = _bit_count(p)
                token = ((best_off - 1) << (16 - bits)) | (best_len - 3)
                out += token.to_bytes(2, "little")
                flags |= 1 << bit
                step = best_len
            else:
                out.append(chunk[p])
                step = 1
            for q in range(p, min(p + step, n - 2)):
                index.setdefault(chunk[q:q + 3], []).append(q)
            p += step
        out[flag_pos] = flags
    return bytes(out)


def decompress(data: bytes) -> bytes:
    """The bytes of a CompressedContainer (2.4.1.3.1); ValueError when it is not one."""
    data = bytes(data)
    if not data or data[0] != _SIGNATURE:
        raise ValueError("not an MS-OVBA compressed container (signature byte)")
    out = bytearray()
    pos = 1
    while pos < len(data):
        if pos + 2 > len(data):
            raise ValueError("truncated chunk header")
        header = int.from_bytes(data[pos:pos + 2], "little")
        if (header >> 12) & 0x7 != 0b011:
            raise ValueError(f"bad chunk signature at byte {pos}")
        end = min(pos + (header & 0x0FFF) + 3, len(data))
        pos += 2
        start = len(out)
        if not header & 0x8000:  # raw chunk
            out += data[pos:pos + CHUNK]
            pos += CHUNK
            continue
        while pos < end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if not flags >> bit & 1:
                    out.append(data[pos])
                    pos += 1
                    continue
                if pos + 2 > end:
                    raise ValueError("truncated copy token")
                token = int.from_bytes(data[pos:pos + 2], "little")
                pos += 2
                bits = _bit_count(len(out) - start)
                offset = (token >> (16 - bits)) + 1
                length = (token & (0xFFFF >> bits)) + 3
                src = len(out) - offset
                if src < start:
                    raise ValueError("copy token reaches before its chunk")
                for k in range(length):  # may overlap what it writes
                    out.append(out[src + k])
    return bytes(out)
