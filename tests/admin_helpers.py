"""Drive the office workspace like a browser: read forms from pages, submit them with their token."""
from __future__ import annotations

import re
from html.parser import HTMLParser

TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


class FormReader(HTMLParser):
    """Collect the fields of every <form> on a page: {action: {name: value}}."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, dict]] = []
        self._field = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append((a.get("action", ""), {}))
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            if a.get("type") == "file":
                return
            self.forms[-1][1][a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._field = a.get("name")
            self.forms[-1][1][self._field] = ""
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.forms[-1][1][self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._field = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._field:
            self.forms[-1][1][self._field] += data


def form_fields(html: str, action: str) -> dict:
    """Return the fields of the form posting to *action* (as the browser would send them)."""
    reader = FormReader()
    reader.feed(html)
    for form_action, fields in reader.forms:
        if form_action == action:
            fields = dict(fields)
            if "body" in fields and fields["body"].startswith("\n"):
                fields["body"] = fields["body"][1:]  # HTML drops one leading newline of a textarea
            return fields
    raise AssertionError(f"no form posting to {action}: {[a for a, _ in reader.forms]}")


def token(client, path: str = "/admin/login") -> str:
    return TOKEN_RE.search(client.get(path).get_data(as_text=True)).group(1)


def login(client, name: str, password: str):
    return client.post("/admin/login", data={"csrf_token": token(client), "name": name, "password": password})


def flashes(html: str) -> list[str]:
    return re.findall(r'class="flash flash-\w+">([^<]*)<', html)
