"""Accounts on the command line (policykb user ...) and in the database: hashed, checked, changeable."""
from __future__ import annotations

import sqlite3

from click.testing import CliRunner

from webapp.accounts import Accounts
from webapp.cli import cli
from webapp.database import FILENAME, Database


def run(*args, input=None):
    return CliRunner().invoke(cli, ["user", *args], input=input)


def test_user_add_reads_the_password_from_stdin_and_stores_only_a_slow_hash(tmp_path):
    result = run("add", "张三", "--role", "admin", "--instance", str(tmp_path), input="s3cret-password\n")
    assert result.exit_code == 0, result.output
    assert "已创建管理员账号“张三”" in result.output
    stored = sqlite3.connect(tmp_path / FILENAME).execute("SELECT password_hash FROM users").fetchone()[0]
    assert "s3cret-password" not in stored and stored.startswith(("scrypt:", "pbkdf2:"))
    accounts = Accounts(Database(tmp_path))
    assert accounts.verify("张三", "s3cret-password").is_admin
    assert accounts.verify("张三", "wrong-password") is None
    assert accounts.verify("nobody", "s3cret-password") is None


def test_user_add_refuses_duplicates_short_passwords_and_bad_roles(tmp_path):
    assert run("add", "li", "--instance", str(tmp_path), input="long-enough-1\n").exit_code == 0
    again = run("add", "li", "--instance", str(tmp_path), input="long-enough-2\n")
    assert again.exit_code == 1 and "已存在" in again.output
    short = run("add", "wang", "--instance", str(tmp_path), input="short\n")
    assert short.exit_code == 1 and "至少需要 8 个字符" in short.output
    assert run("add", "zhao", "--role", "root", "--instance", str(tmp_path), input="long-enough\n").exit_code == 2
    bad = run("add", "../x", "--instance", str(tmp_path), input="long-enough\n")
    assert bad.exit_code == 1 and "用户名只能包含" in bad.output
    empty = run("add", "zhou", "--instance", str(tmp_path), input="")
    assert empty.exit_code == 1 and "没有从标准输入读到密码" in empty.output


def test_user_passwd_changes_the_password_and_list_shows_roles(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYKB_INSTANCE", str(tmp_path))
    assert run("add", "li", "--role", "editor", input="first-password\n").exit_code == 0
    result = run("passwd", "li", input="second-password\n")
    assert result.exit_code == 0 and "已修改“li”的密码" in result.output
    accounts = Accounts(Database(tmp_path))
    assert accounts.verify("li", "second-password") and not accounts.verify("li", "first-password")
    assert run("passwd", "nobody", input="whatever-123\n").exit_code == 1
    listing = run("list")
    assert listing.exit_code == 0 and "li\t编辑" in listing.output


def test_a_password_change_ends_existing_sessions(tmp_path, sample_kb):
    from webapp import create_app
    from admin_helpers import login
    app = create_app({"KB": sample_kb, "INSTANCE_PATH": str(tmp_path)})
    Accounts(Database(tmp_path)).add("li", "editor", "first-password")
    client = app.test_client()
    assert login(client, "li", "first-password").status_code == 302
    assert client.get("/admin/").status_code == 200
    Accounts(Database(tmp_path)).set_password("li", "second-password")
    assert client.get("/admin/").status_code == 302


def test_serve_and_user_take_the_instance_option():
    for command in (["serve"], ["user", "add"], ["user", "passwd"], ["user", "list"]):
        result = CliRunner().invoke(cli, [*command, "--help"])
        assert "--instance" in result.output and "--corpus" in result.output, command
