"""Atomic file writes: a temporary file in the target's folder, fsync, then a rename.

An interrupted run (crash, kill, power loss after the fsync) leaves either the previous
file or the new one at the target path, never a partial one. Two concurrent writers to the
same target each write their own temporary file; the last rename wins and the result is
one complete file.

Failures the user can fix (read-only or missing folder, a file locked by Excel) raise
:class:`thidua_xl.errors.OutputError` with a Vietnamese message naming the path.
"""
from __future__ import annotations

import contextlib
import errno
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from thidua_xl.errors import OutputError

__all__ = ["atomic_write", "atomic_write_bytes", "output_error", "InputFiles",
           "ensure_not_input", "ensure_regular_target"]

_WINDOWS = sys.platform.startswith("win")
#: os.replace on Windows fails while another process (antivirus, indexer, Excel) holds
#: the target open; these retries cover the short-lived holders.
_REPLACE_RETRIES = 5 if _WINDOWS else 1


def output_error(path: Path | str, exc: BaseException, *, action: str = "ghi") -> OutputError:
    """An :class:`OutputError` with a Vietnamese message for ``exc`` raised on ``path``."""
    from thidua_xl.core.text import display_path

    path = Path(display_path(path))  # the message must print, whatever the name
    folder = path.parent
    err = getattr(exc, "errno", None)
    if isinstance(exc, FileNotFoundError) or err == errno.ENOENT:
        if not folder.exists():
            msg = f"Thư mục '{folder}' không tồn tại, không thể {action} tệp '{path.name}'."
            fix = "Tạo thư mục này hoặc chọn một thư mục khác để lưu kết quả."
        else:
            msg = f"Không thể {action} tệp '{path}': không tìm thấy đường dẫn."
            fix = "Kiểm tra lại đường dẫn của tệp kết quả."
        return OutputError(msg, fix=fix)
    if isinstance(exc, NotADirectoryError) or err == errno.ENOTDIR:
        return OutputError(
            f"Không thể {action} tệp '{path}': '{folder}' không phải là thư mục.",
            fix="Chọn một thư mục hợp lệ để lưu kết quả.")
    if isinstance(exc, IsADirectoryError) or err == errno.EISDIR:
        return OutputError(
            f"Không thể {action} tệp '{path}': đường dẫn này là một thư mục.",
            fix="Đặt một tên tệp (ví dụ ..._ketqua.xlsx) cho tệp kết quả.")
    if isinstance(exc, PermissionError) or err in (errno.EACCES, errno.EPERM, errno.EROFS):
        if path.exists() and os.access(folder, os.W_OK):
            msg = (f"Không thể {action} tệp '{path}': tệp đang được mở bởi chương trình khác "
                   f"(ví dụ Excel) hoặc chỉ cho phép đọc.")
            fix = "Đóng tệp trong Excel (hoặc bỏ thuộc tính chỉ đọc) rồi chạy lại."
        else:
            msg = (f"Không có quyền {action} vào thư mục '{folder}' "
                   f"(thư mục chỉ cho phép đọc) nên không thể tạo tệp '{path.name}'.")
            fix = "Chọn một thư mục có quyền ghi để lưu kết quả (tùy chọn -o)."
        return OutputError(msg, fix=fix)
    if err == errno.ENOSPC:
        return OutputError(f"Không đủ dung lượng đĩa để {action} tệp '{path}'.",
                           fix="Giải phóng dung lượng đĩa hoặc lưu vào ổ đĩa khác.")
    detail = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return OutputError(f"Không thể {action} tệp '{path}': {detail}.",
                       fix="Kiểm tra đường dẫn và quyền ghi của thư mục kết quả.")


# --------------------------------------------------------------------------- inputs
def _path_key(path: Path | str) -> str:
    return os.path.normcase(os.path.realpath(os.path.abspath(path)))


def _id_key(path: Path | str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino) if st.st_ino else None


class InputFiles:
    """The input files of a run: ``path in inputs`` is true when ``path`` is one of them
    (the same device and inode — a hard link, another spelling, a symlink — or, for a file
    that does not exist yet, the same resolved path)."""

    def __init__(self, paths=()) -> None:
        self._ids: dict[tuple[int, int], Path] = {}
        self._paths: dict[str, Path] = {}
        for p in paths:
            self.add(p)

    def add(self, path: Path | str) -> None:
        p = Path(path)
        key = _id_key(p)
        if key is not None:
            self._ids.setdefault(key, p)
        self._paths.setdefault(_path_key(p), p)

    def match(self, path: Path | str) -> Path | None:
        """The input that ``path`` names, or None."""
        key = _id_key(path)
        if key is not None and key in self._ids:
            return self._ids[key]
        return self._paths.get(_path_key(path))

    def __contains__(self, path: object) -> bool:
        return isinstance(path, (str, os.PathLike)) and self.match(path) is not None


def ensure_not_input(out: Path | str, inputs: InputFiles | list, *,
                     option: str = "-o") -> None:
    """Raise :class:`OutputError` when the output ``out`` would replace an input."""
    if not isinstance(inputs, InputFiles):
        inputs = InputFiles(inputs)
    hit = inputs.match(out)
    if hit is not None:
        raise OutputError(
            f"Tệp kết quả '{out}' trùng với tệp đầu vào '{hit}'; tệp đầu vào không bao giờ "
            "bị ghi đè.", fix=f"Chọn một tên tệp kết quả khác (tùy chọn {option}).",
            code="output-is-input")


def ensure_regular_target(path: Path | str) -> None:
    """Raise :class:`OutputError` unless ``path`` is absent or a regular file (an output
    never replaces a device, a FIFO, a socket or a folder)."""
    import stat

    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    except OSError:
        return  # the write itself reports what is wrong
    if stat.S_ISDIR(st.st_mode):
        raise output_error(Path(path), IsADirectoryError(errno.EISDIR, "is a directory"))
    if not stat.S_ISREG(st.st_mode):
        raise OutputError(
            f"Không thể ghi tệp '{path}': đường dẫn này không phải là một tệp thông thường "
            "(thiết bị, đường ống FIFO hoặc socket).",
            fix="Chọn một tên tệp kết quả bình thường trong một thư mục có quyền ghi.",
            code="output-not-a-file")


def temp_error(exc: BaseException) -> OutputError:
    """An :class:`OutputError` for the temporary folder (TMPDIR): full, missing, read-only —
    not the output's folder, which the user named."""
    import tempfile

    folder = tempfile.gettempdir()
    if getattr(exc, "errno", None) == errno.ENOSPC:
        what = "không còn dung lượng trống"
    else:
        what = "không dùng được (không tồn tại hoặc không có quyền ghi)"
    return OutputError(
        f"Thư mục tạm '{folder}' {what} nên không tạo được tệp trung gian.",
        fix="Giải phóng dung lượng ở thư mục tạm, hoặc đặt biến môi trường TMPDIR (Windows: "
            "TEMP) sang một thư mục có chỗ trống, rồi chạy lại.", code="temp-folder-unusable")


@contextlib.contextmanager
def temp_folder(prefix: str = "thidua-xl-") -> Iterator[Path]:
    """A temporary folder, removed afterwards; problems with it (a full or unusable
    TMPDIR) raise :class:`OutputError` naming the temporary folder, not the output."""
    import tempfile

    try:
        td = tempfile.TemporaryDirectory(prefix=prefix)
    except OSError as exc:  # includes "No usable temporary directory found"
        raise temp_error(exc) from exc
    with td as name:
        yield Path(name)


# --------------------------------------------------------------------------- writing
def _temp_name(target: Path) -> str:
    # Keep the target's extension last: tools that look at the suffix (openpyxl, soffice)
    # treat the temporary file like the final one. A leading dot hides it on POSIX.
    return f".{target.stem}.{os.getpid()}.{os.urandom(4).hex()}.tmp{target.suffix}"


#: a temporary file older than this was left by a killed run (no write takes this long)
_STALE_SECONDS = 3600.0


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (True when that cannot be known: Windows, where
    ``os.kill(pid, 0)`` would send a CTRL+C, or no pid)."""
    if _WINDOWS or pid <= 0:
        return True  # unknown: rely on the age alone
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _remove_stale_temps(target: Path) -> None:
    """Remove temporary files a killed writer left beside ``target`` (best effort)."""
    prefix, suffix = f".{target.stem}.", f".tmp{target.suffix}"
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return
    now = time.time()
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(suffix)):
            continue
        middle = name[len(prefix):-len(suffix)].split(".")
        if len(middle) != 2 or not middle[0].isdigit() or len(middle[1]) != 8:
            continue
        try:
            age = now - entry.stat().st_mtime
            if age > _STALE_SECONDS or (age > 5.0 and not pid_alive(int(middle[0]))):
                os.unlink(entry.path)
        except OSError:
            pass


def _create_temp(target: Path) -> Path:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = target.with_name(_temp_name(target))
        try:
            # 0o666 & ~umask: the final file gets ordinary permissions (mkstemp gives 0600)
            fd = os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return tmp
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(target))


def _fsync_file(path: Path) -> None:
    with open(path, "r+b") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(folder: Path) -> None:
    if _WINDOWS:  # directories cannot be opened for fsync on Windows
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _replace(tmp: Path, target: Path) -> None:
    for attempt in range(_REPLACE_RETRIES):
        try:
            os.replace(tmp, target)
            return
        except PermissionError:
            if attempt == _REPLACE_RETRIES - 1:
                raise
            time.sleep(0.1 * (attempt + 1))


@contextlib.contextmanager
def atomic_write(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` atomically.

    The body writes the whole file at the yielded path (it exists, empty). When the body
    returns, the file is flushed to disk and renamed over ``path``; when it raises, the
    temporary file is removed, ``path`` keeps its previous content and the exception
    propagates. Filesystem problems with the target raise :class:`OutputError`.
    """
    target = Path(path)
    ensure_regular_target(target)
    try:
        tmp = _create_temp(target)
    except OSError as exc:
        raise output_error(target, exc) from exc
    _remove_stale_temps(target)
    try:
        yield tmp
        _fsync_file(tmp)
        if target.exists():
            # keep the permission bits of the file being replaced
            with contextlib.suppress(OSError):
                os.chmod(tmp, target.stat().st_mode & 0o7777)
        try:
            _replace(tmp, target)
        except OSError as exc:
            raise output_error(target, exc) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)


def atomic_write_bytes(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically and return the path."""
    target = Path(path)
    with atomic_write(target) as tmp:
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise output_error(target, exc) from exc
    return target


def save_workbook(wb, out: Path) -> None:
    """Save an openpyxl workbook atomically, with a Vietnamese error when it cannot."""
    from ..errors import ThiduaError

    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(out) as tmp:
            wb.save(tmp)
    except ThiduaError:
        raise
    except OSError as e:
        raise output_error(out, e) from None
