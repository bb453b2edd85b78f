"""What a file really is, from its bytes (never from its extension alone).

:func:`sniff` names the kind of a file; :func:`ensure_readable` raises
:class:`~thidua_xl.errors.UnreadableWorkbook` with a Vietnamese message (naming the file and
saying how to fix it) and a stable code for every kind this product cannot read:

========================== ==================================================================
code                       when
========================== ==================================================================
file-not-found             the path does not exist
not-a-file                 the path is a folder (or not a regular file)
file-access-denied         the file cannot be opened (permissions, locked)
empty-file                 0 bytes
encrypted-workbook         a CFB (OLE2) container holding ``EncryptedPackage``
xls-not-supported          a CFB container with a ``Workbook``/``Book`` stream (Excel 97-2003)
xlsb-not-supported         an Excel binary workbook (.xlsb)
ods-not-supported          an OpenDocument spreadsheet (.ods)
not-a-workbook             CSV/text, HTML, SpreadsheetML 2003 XML, a Word/PowerPoint file...
not-a-zip                  unknown binary content
corrupt-zip                a zip that is truncated or damaged
missing-parts              a zip without a workbook part (xl/workbook.xml)
unsafe-xml                 XML with a DTD / entity declarations (entity expansion attacks)
malformed-xml              XML that cannot be parsed
workbook-too-large         parts that expand beyond the budget (:mod:`thidua_xl.io.budget`)
cell-out-of-grid           a cell beyond Excel's grid (XFD1048576)
too-many-cells             more cells than the budget allows
========================== ==================================================================

Readable kinds: ``"xlsx"``, ``"xlsm"``, ``"xltx"``, ``"xltm"`` and ``"xlsx-strict"`` (strict
OOXML; readers raise ``strict-ooxml-not-supported`` if they cannot read it).
"""
from __future__ import annotations

import os
import posixpath
import zipfile
import zlib
from pathlib import Path

from ..core.record import field, record
from ..errors import UnreadableWorkbook
from . import budget

#: A workbook whose zip members expand to more than this is refused (zip bomb guard).
MAX_UNCOMPRESSED = 2 * 1024**3

READABLE_KINDS = frozenset({"xlsx", "xlsm", "xltx", "xltm", "xlsx-strict"})

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

_REL_OFFICE_DOC = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
)
_STRICT_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"

_CT_KIND = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.ms-excel.sheet.macroenabled.main+xml": "xlsm",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": "xltx",
    "application/vnd.ms-excel.template.macroenabled.main+xml": "xltm",
    "application/vnd.ms-excel.sheet.binary.macroenabled.main": "xlsb",
    "application/vnd.ms-excel.addin.macroenabled.main+xml": "xlsm",
}

_FIX_SAVE_XLSX = ("Mở tệp bằng Excel, chọn File > Save As (Lưu thành) và lưu lại dạng "
                  "\"Excel Workbook (*.xlsx)\", rồi chạy lại.")


# --------------------------------------------------------------------------- helpers
def _q(path: Path | str) -> str:
    from ..core.text import display_path

    return f"\"{display_path(Path(path).name)}\""


def _err(code: str, path: Path | str, what: str, fix: str) -> UnreadableWorkbook:
    # the fix is its own field (shown in its own column): the message says what is wrong
    return UnreadableWorkbook(f"Không đọc được tệp {_q(path)}: {what}".strip(),
                              code=code, fix=fix)


def error_for(kind: str, path: Path | str, detail: str = "", *, tech: str = ""
              ) -> UnreadableWorkbook:
    """The :class:`UnreadableWorkbook` for an unreadable ``kind`` (also a code) of ``path``.

    ``detail`` is Vietnamese and goes inside the sentence; ``tech`` is a library's own
    (English) message, appended as "Chi tiết kỹ thuật: ..." for support."""
    d = f" ({detail})" if detail else ""
    table = {
        "file-not-found": ("không tìm thấy tệp này.",
                           "Kiểm tra lại đường dẫn và tên tệp (kể cả phần mở rộng .xlsx)."),
        "not-a-file": ("đây là một thư mục, không phải tệp Excel.",
                       "Hãy chỉ ra tệp .xlsx hoặc .xlsm cụ thể."),
        "file-access-denied": (f"không mở được tệp để đọc{d}.",
                               "Đóng tệp nếu đang mở ở chương trình khác, kiểm tra quyền truy "
                               "cập thư mục, rồi chạy lại."),
        "empty-file": ("tệp rỗng (0 byte), không có dữ liệu.",
                       "Tệp có thể bị lỗi khi sao chép hoặc tải về: hãy lấy lại bản gốc."),
        "encrypted-workbook": (
            "sổ tính được bảo vệ bằng mật khẩu (đã mã hoá) nên không đọc được nội dung.",
            "Mở tệp bằng Excel, nhập mật khẩu, vào File > Info > Protect Workbook > Encrypt "
            "with Password, xoá mật khẩu (để trống), bấm OK rồi lưu lại."),
        "xls-not-supported": ("đây là định dạng Excel 97-2003 (.xls), không được hỗ trợ.",
                              _FIX_SAVE_XLSX),
        "xlsb-not-supported": ("đây là sổ tính nhị phân Excel (.xlsb), không được hỗ trợ.",
                               _FIX_SAVE_XLSX),
        "ods-not-supported": ("đây là bảng tính OpenDocument (.ods, LibreOffice/OpenOffice), "
                              "không được hỗ trợ.",
                              "Mở tệp bằng LibreOffice hoặc Excel và lưu lại dạng "
                              "\"Excel 2007-365 (.xlsx)\", rồi chạy lại."),
        "not-a-workbook": (f"nội dung không phải sổ tính Excel{d}.", _FIX_SAVE_XLSX),
        "not-a-zip": ("nội dung không phải sổ tính Excel .xlsx/.xlsm (không phải gói zip "
                      "Office Open XML).", _FIX_SAVE_XLSX),
        "corrupt-zip": (f"tệp bị hỏng hoặc không đầy đủ (gói zip bị cắt cụt hoặc lỗi){d}.",
                        "Lấy lại bản gốc (tải lại, sao chép lại); nếu Excel mở được tệp thì "
                        "lưu lại bằng File > Save As dạng .xlsx."),
        "missing-parts": (f"gói tệp thiếu phần sổ tính (xl/workbook.xml){d}.",
                          "Tệp không do Excel tạo ra hoặc đã bị hỏng: mở bằng Excel (nếu được) "
                          "và lưu lại dạng .xlsx, hoặc lấy lại bản gốc."),
        "unsafe-xml": (f"tệp chứa khai báo XML không an toàn (DTD/entity){d}, có thể là tệp "
                       "độc hại nên không được đọc.",
                       "Không mở tệp này; nếu tin nguồn gửi, hãy yêu cầu gửi lại bản lưu bằng "
                       "Excel."),
        "malformed-xml": (f"nội dung XML bên trong tệp bị lỗi{d}.",
                          "Mở tệp bằng Excel (Excel có thể đề nghị sửa chữa tệp), lưu lại dạng "
                          ".xlsx rồi chạy lại."),
        "workbook-too-large": (f"tệp giải nén ra quá lớn{d or ' (trên 2 GB)'}, có thể là tệp "
                               "hỏng hoặc độc hại.",
                               "Kiểm tra lại tệp; xoá các sheet, ảnh hoặc dữ liệu không cần "
                               "thiết rồi lưu lại."),
        "cell-out-of-grid": (f"tệp có ô nằm ngoài lưới ô của Excel{d}, có thể là tệp hỏng "
                             "hoặc độc hại.",
                             "Lấy lại bản gốc; nếu Excel mở được tệp thì lưu lại bằng File > "
                             "Save As dạng .xlsx rồi chạy lại."),
        "too-many-cells": (f"tệp có quá nhiều ô dữ liệu{d}.",
                           "Xoá các vùng dữ liệu không thuộc sổ chấm điểm (Ctrl+End cho biết "
                           "ô cuối cùng) hoặc chuyển chúng sang tệp khác, lưu lại rồi chạy "
                           "lại."),
        "strict-ooxml-not-supported": (
            f"tệp lưu ở định dạng \"Strict Open XML\" mà chương trình không đọc được{d}.",
            "Mở bằng Excel, chọn File > Save As, kiểu tệp \"Excel Workbook (*.xlsx)\" "
            "(không chọn \"Strict Open XML Spreadsheet\"), rồi chạy lại."),
        "read-failed": (f"lỗi khi đọc nội dung sổ tính{d}.",
                        "Mở tệp bằng Excel và lưu lại dạng .xlsx rồi chạy lại; nếu vẫn lỗi, "
                        "hãy gửi tệp cho bộ phận hỗ trợ."),
    }
    what, fix = table.get(kind, table["read-failed"])
    code = kind if kind in table else "read-failed"
    err = _err(code, path, what, fix)
    if tech:
        tech = " ".join(tech.split())
        tech = tech if len(tech) <= 200 else tech[:197] + "..."
        err = UnreadableWorkbook(f"{err.message} Chi tiết kỹ thuật: {tech}", code=code, fix=fix)
    return err


def _cfb_streams(data: bytes) -> set[str]:
    """Names of the directory entries of a CFB (OLE2) container, found at their 128-byte
    aligned slots (name UTF-16LE, length in bytes incl. the NUL at offset 64)."""
    names: set[str] = set()
    for off in range(512, len(data) - 127, 128):
        n = int.from_bytes(data[off + 64:off + 66], "little")
        typ = data[off + 66]
        if not (2 <= n <= 64 and n % 2 == 0 and typ in (1, 2, 5)):
            continue
        raw = data[off:off + n - 2]
        if data[off + n - 2:off + n] != b"\x00\x00":
            continue
        try:
            name = raw.decode("utf-16-le")
        except UnicodeDecodeError:
            continue
        if name and all(ch.isprintable() or ord(ch) < 32 for ch in name):
            names.add(name)
    return names


def _text_kind(head: bytes) -> str | None:
    """"csv" / "html" / "xml2003" / "text" when ``head`` looks like text, else None."""
    enc = "utf-8"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16"
    elif head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    elif b"\x00" in head:
        return None
    try:
        text = head.decode(enc, errors="strict" if enc == "utf-16" else "replace")
    except UnicodeDecodeError:
        return None
    if not text:
        return None
    bad = sum(1 for ch in text if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\r\n\t\f"))
    if bad > max(2, len(text) // 50):
        return None
    low = text.lstrip().lower()
    if "urn:schemas-microsoft-com:office:spreadsheet" in low:
        return "xml2003"
    if low.startswith(("<!doctype html", "<html")) or "<table" in low[:2000]:
        return "html"
    lines = [ln for ln in text.splitlines() if ln.strip()][:20]
    if lines and sum(1 for ln in lines if any(s in ln for s in ",;\t|")) >= max(1, len(lines) // 2):
        return "csv"
    return "text"


# --------------------------------------------------------------------------- zip
def member_index(zf: zipfile.ZipFile) -> dict[str, str]:
    """Normalised part name ("xl/workbook.xml": "/" separators, lower case) → zip member
    name. Some writers use "\\" separators or other letter cases; Excel accepts them."""
    out: dict[str, str] = {}
    for n in zf.namelist():
        out.setdefault(n.replace("\\", "/").lstrip("/").lower(), n)
    return out


def resolve_target(base_part: str, target: str) -> str:
    """A relationship target, relative to the folder of ``base_part``, as a normalised
    part name (absolute targets start at the package root)."""
    target = target.replace("\\", "/")
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/")).lower()
    folder = posixpath.dirname(base_part.replace("\\", "/"))
    return posixpath.normpath(posixpath.join(folder, target)).lstrip("/").lower()


def main_part(zf: zipfile.ZipFile, index: dict[str, str] | None = None) -> str | None:
    """The zip member of the workbook part: via ``_rels/.rels``, else ``xl/workbook.xml``."""
    from .xmlsafe import parse as fromstring

    index = index if index is not None else member_index(zf)
    if "_rels/.rels" in index:
        try:
            root = fromstring(read_member(zf, index["_rels/.rels"]), forbid_dtd=False)
            for rel in root:
                if rel.get("Type") in _REL_OFFICE_DOC:
                    target = resolve_target("", rel.get("Target") or "")
                    if target in index:
                        return index[target]
        except Exception:
            pass
    for cand in ("xl/workbook.xml", "xl/workbook.bin"):
        if cand in index:
            return index[cand]
    return None


def read_member(zf: zipfile.ZipFile, name: str, limit: int = 64 * 1024 * 1024) -> bytes:
    """A zip member's bytes, refused ("workbook-too-large") beyond ``limit``."""
    with zf.open(name) as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise UnreadableWorkbook("member too large", code="workbook-too-large")
    return data


def _sheet_label(zf: zipfile.ZipFile, part: str) -> str:
    """'sheet "Chấm điểm"' for a worksheet part (its zip member), else 'phần "<part>"'."""
    from .xmlsafe import parse as fromstring

    try:
        index = member_index(zf)
        wb = main_part(zf, index)
        if wb is not None:
            folder, _, base = wb.replace("\\", "/").rpartition("/")
            rels_name = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
            targets = {}
            for rel in fromstring(read_member(zf, index[rels_name.lower()]), forbid_dtd=False):
                targets[rel.get("Id")] = resolve_target(wb, rel.get("Target") or "")
            want = part.replace("\\", "/").lstrip("/").lower()
            for el in fromstring(read_member(zf, wb), forbid_dtd=False).iter():
                if el.tag.rpartition("}")[2] == "sheet":
                    rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
                    if targets.get(rid) == want:
                        return f"sheet \"{el.get('name')}\""
    except Exception:  # noqa: BLE001 - the name is a nicety; the part still says where
        pass
    return f"phần \"{part}\""


def _content_types(zf: zipfile.ZipFile) -> dict[str, str]:
    """Override PartName (without leading "/") → content type (lower-cased)."""
    from .xmlsafe import parse as fromstring

    out: dict[str, str] = {}
    try:
        name = member_index(zf).get("[content_types].xml")
        if name is None:
            return out
        root = fromstring(read_member(zf, name), forbid_dtd=False)
    except KeyError:
        return out
    for el in root:
        ctype = (el.get("ContentType") or "").lower()
        if el.tag.endswith("Override"):
            out[(el.get("PartName") or "").replace("\\", "/").lstrip("/").lower()] = ctype
        elif el.tag.endswith("Default"):
            out["*." + (el.get("Extension") or "").lower()] = ctype
    return out


def _zip_kind(path: Path, keep: dict[str, tuple] | None = None) -> str:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError):
        return "corrupt-zip"
    except OSError as exc:  # truncated central directory etc.
        if isinstance(exc, PermissionError):
            raise
        return "corrupt-zip"
    with zf:
        try:
            index = member_index(zf)
            names = set(index)
            if "mimetype" in names:
                mt = read_member(zf, index["mimetype"], 200).decode("ascii", "replace").strip()
                if "opendocument.spreadsheet" in mt:
                    return "ods"
                if "opendocument" in mt:
                    return "not-a-workbook:odf"
            # Sizes, cells, coordinates and hostile XML in every part, on the bytes,
            # before any library parses one (calamine aborts on some).
            try:
                stats = budget.inspect_package(zf, keep)
            except budget.BudgetExceeded as exc:
                detail = exc.detail
                if "{sheet}" in detail:
                    detail = detail.replace("{sheet}", _sheet_label(zf, exc.part))
                return f"budget:{exc.code}:{detail}"
            if stats.unsafe:
                return "unsafe-xml:" + stats.unsafe
            part = main_part(zf, index)
            if part is None:
                if any(n.startswith("word/") for n in names):
                    return "not-a-workbook:docx"
                if any(n.startswith("ppt/") for n in names):
                    return "not-a-workbook:pptx"
                return "missing-parts"
            if part.lower().endswith(".bin"):
                return "xlsb"
            try:
                ct = _content_types(zf)
            except Exception:
                ct = {}
            kind = ct.get(part.replace("\\", "/").lstrip("/").lower()) or ""
            kind = _CT_KIND.get(kind, "")
            if kind == "xlsb":
                return "xlsb"
            if not kind:
                kind = "xlsm" if "xl/vbaproject.bin" in names else "xlsx"
            with zf.open(part) as f:
                head = f.read(4096)
            if _STRICT_NS.encode() in head:
                return "xlsx-strict"
            return kind
        except (zipfile.BadZipFile, EOFError, zlib.error, ValueError, NotImplementedError):
            return "corrupt-zip"
        except UnreadableWorkbook as exc:
            return exc.code
        except OSError as exc:
            if isinstance(exc, PermissionError):
                raise
            return "corrupt-zip"
        except RuntimeError as exc:  # zip-level encryption ("password required")
            return "encrypted" if "encrypt" in str(exc).lower() else "corrupt-zip"
        except Exception:
            return "malformed-xml"


# --------------------------------------------------------------------------- public
def sniff(path: str | os.PathLike) -> str:
    """The kind of the file at ``path``, from its content.

    Readable: "xlsx", "xlsm", "xltx", "xltm", "xlsx-strict". Others: "missing", "not-a-file",
    "access-denied", "empty", "encrypted", "xls", "cfb" (another OLE2 file), "xlsb", "ods",
    "csv", "html", "xml2003", "text", "binary", "corrupt-zip", "missing-parts", "unsafe-xml",
    "malformed-xml", "workbook-too-large", "not-a-workbook:<what>".
    """
    kind = _sniff(path)
    base = kind.partition(":")[0]
    if base == "budget":
        return kind.split(":", 2)[1]
    return base if base == "unsafe-xml" else kind


def _sniff(path: str | os.PathLike, keep: dict[str, tuple] | None = None) -> str:
    """:func:`sniff` with the detail of a refusal after a colon ("budget:<code>:<detail>",
    "unsafe-xml:<part>", "not-a-workbook:<what>"); ``keep`` as for
    :func:`~thidua_xl.io.budget.inspect_package`."""
    p = Path(path)
    try:
        if not p.exists():
            return "missing"
        if not p.is_file():
            return "not-a-file"
        size = p.stat().st_size
        if size == 0:
            return "empty"
        with open(p, "rb") as f:
            head = f.read(8192)
            if head.startswith(_CFB_MAGIC):
                f.seek(0)
                data = f.read(64 * 1024 * 1024)
            else:
                data = b""
    except PermissionError:
        return "access-denied"
    except OSError:
        return "access-denied"
    if head.startswith(_CFB_MAGIC):
        streams = {s.lower() for s in _cfb_streams(data)}
        if "encryptedpackage" in streams or "encryptioninfo" in streams:
            return "encrypted"
        if "workbook" in streams or "book" in streams:
            return "xls"
        return "cfb"
    if head.startswith(_ZIP_MAGICS):
        try:
            return _zip_kind(p, keep)
        except PermissionError:
            return "access-denied"
    if head.startswith(b"PK"):
        return "corrupt-zip"
    tk = _text_kind(head)
    if tk:
        return tk
    if len(head) < 512 and size < 512:
        return "binary"
    return "binary"


_KIND_TO_CODE = {
    "missing": ("file-not-found", ""),
    "not-a-file": ("not-a-file", ""),
    "access-denied": ("file-access-denied", ""),
    "empty": ("empty-file", ""),
    "encrypted": ("encrypted-workbook", ""),
    "xls": ("xls-not-supported", ""),
    "cfb": ("not-a-workbook", "tệp Office cũ dạng OLE2, không phải Excel .xlsx"),
    "xlsb": ("xlsb-not-supported", ""),
    "ods": ("ods-not-supported", ""),
    "csv": ("not-a-workbook", "đây là tệp văn bản CSV"),
    "html": ("not-a-workbook", "đây là trang HTML"),
    "xml2003": ("not-a-workbook", "đây là tệp XML Spreadsheet 2003"),
    "text": ("not-a-workbook", "đây là tệp văn bản thuần"),
    "binary": ("not-a-zip", ""),
    "corrupt-zip": ("corrupt-zip", ""),
    "missing-parts": ("missing-parts", ""),
    "unsafe-xml": ("unsafe-xml", ""),
    "malformed-xml": ("malformed-xml", ""),
    "workbook-too-large": ("workbook-too-large", ""),
    "not-a-workbook": ("not-a-workbook", ""),
}
_SUBKIND = {"odf": "đây là tài liệu OpenDocument, không phải bảng tính",
            "docx": "đây là tài liệu Word", "pptx": "đây là bản trình chiếu PowerPoint"}


def ensure_readable(path: str | os.PathLike, *, keep: KeptParts | None = None) -> str:
    """Return the kind of ``path`` when a reader can try it, else raise
    :class:`UnreadableWorkbook` (Vietnamese message naming the file, stable ``code``, ``fix``).

    ``keep``: filled with the worksheet parts the budget check inflated whole, for the
    calamine reader's sheet scan (:meth:`KeptParts.take`) — one inflate of each sheet, not
    two.
    """
    parts: dict[str, tuple] | None = {} if keep is not None else None
    before = _identity(path) if keep is not None else None
    kind = _sniff(path, parts)
    if kind in READABLE_KINDS:
        if parts and before is not None:
            keep.identity, keep.parts = before, parts
        return kind
    if kind.startswith("budget:"):
        _, code, detail = kind.split(":", 2)
        raise error_for(code, path, detail)
    base, _, sub = kind.partition(":")
    code, detail = _KIND_TO_CODE.get(base, ("read-failed", kind))
    if base == "unsafe-xml":
        detail = f"phần \"{sub}\"" if sub else ""
    elif sub:
        detail = _SUBKIND.get(sub, detail)
    if base in ("csv", "html") and Path(path).suffix.lower() in _SPREADSHEET_SUFFIXES:
        detail += ", chỉ đổi tên thành tệp Excel"  # a .csv/.html saved under an Excel name
    raise error_for(code, path, detail)


_SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


# --------------------------------------------------------------------------- kept parts
def _identity(path: str | os.PathLike) -> tuple | None:
    """What says the file is the one checked: its path, device, inode, size and change
    time (taken before the check: a file rewritten since no longer matches)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (os.fspath(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns,
            st.st_ctime_ns)


@record(slots=True)
class KeptParts:
    """What :func:`ensure_readable` inflated of one file, held by the caller that reads it
    next (zip member → (bytes, cell bound, spaced "="):
    :func:`~thidua_xl.io.budget.inspect_package`'s ``keep``), with the file's identity when
    it was checked."""

    identity: tuple | None = None
    parts: dict = field(default_factory=dict)

    def take(self, path: str | os.PathLike) -> dict[str, tuple]:
        """The parts, when they are of this very file, unchanged; else {}. Taken once:
        they are forgotten here either way."""
        parts, identity = self.parts, self.identity
        self.parts, self.identity = {}, None
        if identity is None or identity != _identity(path):
            return {}
        return parts
