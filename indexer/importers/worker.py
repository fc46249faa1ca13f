"""The import worker: read a file (.docx, .pdf, .txt, .md) from stdin, write a JSON result to stdout.

Started by ``convert.py`` with a timeout; it caps its own address space first, so a hostile
file that slipped past the size checks ends in a MemoryError here, not in the caller.
"""
from __future__ import annotations

import json
import sys


def main() -> int:
    kind, memory_mb = sys.argv[1], int(sys.argv[2])
    encoding = sys.argv[3] if len(sys.argv) > 3 else ""
    try:
        import resource
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass  # not available on Windows: the timeout still applies
    data = sys.stdin.buffer.read()
    from .errors import ImportRefused
    try:
        if kind in ("txt", "md"):
            from .text import convert_text
            result = {"ok": True, **convert_text(data, "", kind, encoding or None)}
        elif kind == "docx":
            from .docx import docx_to_markdown
            result = {"ok": True, "text": docx_to_markdown(data)}
        else:
            from .pdf import pdf_text
            result = {"ok": True, "text": pdf_text(data)}
    except ImportRefused as exc:
        result = {"ok": False, "reason": exc.reason, "message": exc.detail}
    except MemoryError:
        result = {"ok": False, "reason": "memory", "message": "文件过于复杂，解析时超出内存上限，已放弃。"}
    except Exception:  # any parser failure on a damaged file
        label = {"docx": "Word", "pdf": "PDF"}.get(kind, "文本")
        result = {"ok": False, "reason": "broken", "message": f"{label} 文件已损坏或格式不规范，无法读取。"
                  "请用原软件打开后重新另存，再导入。"}
    sys.stdout.write(json.dumps(result, ensure_ascii=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
