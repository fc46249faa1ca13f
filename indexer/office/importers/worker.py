"""The import worker: convert a file (.docx, .pdf, .txt, .md) from stdin, write a JSON result.

Started by ``convert.py`` with a timeout; it caps its own address space first, so a hostile
file that slipped past the size checks ends in a MemoryError here, not in the caller.

Two modes: ``worker KIND MEMORY_MB [ENCODING [SECONDS]]`` converts the whole of stdin once (an
upload); ``worker --serve MEMORY_MB [SECONDS]`` converts one file after another for a bulk import,
each sent as a JSON header line (kind, encoding, size) and that many bytes, each answered by one
JSON line.  SECONDS also bounds the CPU time of each file, so a worker whose caller was killed
(and so can no longer time it out) still stops.
"""
from __future__ import annotations

import json
import sys

from .docx import docx_to_markdown
from .errors import ImportRefused
from .pdf import pdf_text
from .text import convert_text


def cap_memory(memory_mb: int) -> None:
    try:
        import resource
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass  # not available on Windows: the timeout still applies


def cap_cpu(seconds: float) -> None:
    """Stop this process (SIGXCPU) when the next file takes much more CPU than its time limit."""
    try:
        import resource
        used = resource.getrusage(resource.RUSAGE_SELF)
        soft = int(used.ru_utime + used.ru_stime + 2 * seconds + 5)
        resource.setrlimit(resource.RLIMIT_CPU, (soft, resource.getrlimit(resource.RLIMIT_CPU)[1]))
    except (ImportError, ValueError, OSError):
        pass  # not available on Windows


def convert(kind: str, data: bytes, encoding: str) -> dict:
    """Return the JSON-ready result of converting *data* of *kind*."""
    try:
        if kind in ("txt", "md"):
            return {"ok": True, **convert_text(data, "", kind, encoding or None)}
        if kind == "docx":
            return {"ok": True, "text": docx_to_markdown(data)}
        return {"ok": True, "text": pdf_text(data)}
    except ImportRefused as exc:
        return {"ok": False, "reason": exc.reason, "message": exc.detail}
    except MemoryError:
        return {"ok": False, "reason": "memory", "message": "文件过于复杂，解析时超出内存上限，已放弃。"}
    except Exception:  # any parser failure on a damaged file
        label = {"docx": "Word", "pdf": "PDF"}.get(kind, "文本")
        return {"ok": False, "reason": "broken", "message": f"{label} 文件已损坏或格式不规范，无法读取。"
                "请用原软件打开后重新另存，再导入。"}


def serve(memory_mb: int, seconds: float) -> int:
    cap_memory(memory_mb)
    stdin, stdout = sys.stdin.buffer, sys.stdout
    while True:
        header = stdin.readline()
        if not header:
            return 0
        request = json.loads(header)
        data = stdin.read(request["size"])
        cap_cpu(seconds)
        result = convert(request["kind"], data, request.get("encoding") or "")
        del data
        stdout.write(json.dumps(result, ensure_ascii=True) + "\n")
        stdout.flush()
        if result.get("reason") == "memory":
            return 0  # the caller starts a fresh process for the next file


def main() -> int:
    if sys.argv[1] == "--serve":
        return serve(int(sys.argv[2]), float(sys.argv[3]) if len(sys.argv) > 3 else 60.0)
    kind, memory_mb = sys.argv[1], int(sys.argv[2])
    encoding = sys.argv[3] if len(sys.argv) > 3 else ""
    cap_memory(memory_mb)
    cap_cpu(float(sys.argv[4]) if len(sys.argv) > 4 else 60.0)
    data = sys.stdin.buffer.read()
    sys.stdout.write(json.dumps(convert(kind, data, encoding), ensure_ascii=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
