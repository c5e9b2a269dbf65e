"""--fix on Python code: golden input -> output for every rewrite, and the fixed code computes the same
values as the original, with the secret read from a fake ``google.colab.userdata``."""

from __future__ import annotations

import codecs
import os
import re
from typing import Any, Optional

import pytest

from hf_secret_guard import fix_bytes, fix_source, scan_source
from hf_secret_guard.fix.model import FixOptions
from hf_secret_guard.rules import RULES
from hf_secret_guard.tokens import find_tokens
from tests.conftest import TOKEN, fill
from tests.fix_support import SECRETS, install_fake_colab, sub

# These tables test the rewrite into Colab's Secrets; the style a .py file gets by default (auto) is
# tested in tests/fix/test_fix_styles.py.
COLAB = FixOptions(style="userdata")

LINE = "from google.colab import userdata\n"
IMPORT = LINE + "\n"  # a new import block: ruff (isort) wants a blank line after it

# (id, input, expected output).  Every expected output was read by a person; placeholders are filled at
# test time (tests/fix_support.py).
GOLDEN: list[tuple[str, str, str]] = [
    ("argument", 'login(token="<T1>")\n', IMPORT + 'login(token=userdata.get("HF_TOKEN"))\n'),
    ("single-quotes", "t = '<T1>'\n", IMPORT + 't = userdata.get("HF_TOKEN")\n'),
    (
        "bearer",
        'headers = {"Authorization": "Bearer <T1>"}\n',
        IMPORT + 'headers = {"Authorization": f"Bearer {userdata.get(\'HF_TOKEN\')}"}\n',
    ),
    ("bearer-single", "h = 'Bearer <T1>'\n", IMPORT + "h = f'Bearer {userdata.get(\"HF_TOKEN\")}'\n"),
    (
        "url",
        'url = "https://user:<T1>@huggingface.co/repo"\n',
        IMPORT + "url = f\"https://user:{userdata.get('HF_TOKEN')}@huggingface.co/repo\"\n",
    ),
    ("bytes", 't = b"<T1>"\n', IMPORT + 't = userdata.get("HF_TOKEN").encode()\n'),
    (
        "bytes-partial",
        'h = b"Bearer <T1> x"\n',
        IMPORT + 'h = (b"Bearer " + userdata.get("HF_TOKEN").encode() + b" x")\n',
    ),
    ("raw", 't = r"<T1>"\n', IMPORT + 't = userdata.get("HF_TOKEN")\n'),
    (
        "f-string",
        't = f"{prefix}<T1>{suffix!r}"\n',
        IMPORT + "t = f\"{prefix}{userdata.get('HF_TOKEN')}{suffix!r}\"\n",
    ),
    (
        "percent-template",
        's = "%s <T1>" % name\n',
        IMPORT + "s = f\"%s {userdata.get('HF_TOKEN')}\" % name\n",
    ),
    (
        "format-template",
        's = "{} <T1> {x}".format(name, x=1)\n',
        IMPORT + "s = f\"{{}} {userdata.get('HF_TOKEN')} {{x}}\".format(name, x=1)\n",
    ),
    ("concatenated-whole", 't = ("<T1a>"\n     "<T1b>")\n', IMPORT + 't = (userdata.get("HF_TOKEN"))\n'),
    (
        "concatenated-split",
        't = ("Bearer <T1a>"\n     "<T1b>")\n',
        IMPORT + "t = (f\"Bearer {userdata.get('HF_TOKEN')}\")\n",
    ),
    (
        "concatenated-comment",
        't = ("Bearer <T1a>"  # why\n     "<T1b>" " end")\n',
        IMPORT + 't = (f"Bearer {userdata.get(\'HF_TOKEN\')}"  # why\n     "" " end")\n',
    ),
    ("comment", "x = 1  # token: <T1>\n", "x = 1  # token: <M1>\n"),
    ("docstring", 'def f():\n    """Use <T1>."""\n', 'def f():\n    """Use <M1>."""\n'),
    (
        "environ",
        'import os\nos.environ["HF_TOKEN"] = "<T1>"\n',
        "import os\n\n" + LINE + 'os.environ["HF_TOKEN"] = userdata.get("HF_TOKEN")\n',
    ),
    (
        "environ-placeholder",
        'import os\nos.environ["HF_TOKEN"] = "hf_your_token_here"\n',
        "import os\n\n" + LINE + 'os.environ["HF_TOKEN"] = userdata.get("HF_TOKEN")\n',
    ),
    (
        "setdefault",
        'import os\nos.environ.setdefault("HF_TOKEN", "<T1>")\n',
        "import os\n\n" + LINE + 'os.environ.setdefault("HF_TOKEN", userdata.get("HF_TOKEN"))\n',
    ),
    (
        "update-dict",
        'import os\nos.environ.update({"HUGGINGFACEHUB_API_TOKEN": "<T1>", "HF_HOME": "/content"})\n',
        "import os\n\n" + LINE + "os.environ.update("
        '{"HUGGINGFACEHUB_API_TOKEN": userdata.get("HUGGINGFACEHUB_API_TOKEN"), "HF_HOME": "/content"})\n',
    ),
    (
        "update-keywords",
        'import os\nos.environ.update(WANDB_API_KEY="not-a-real-wandb-key")\n',
        "import os\n\n" + LINE + 'os.environ.update(WANDB_API_KEY=userdata.get("WANDB_API_KEY"))\n',
    ),
    (
        "putenv",
        'import os\nos.putenv("HF_TOKEN", "<T1>")\n',
        "import os\n\n" + LINE + 'os.putenv("HF_TOKEN", userdata.get("HF_TOKEN"))\n',
    ),
    (
        "alias",
        'import os as o\no.environ["HF_TOKEN"] = "<T1>"\n',
        "import os as o\n\n" + LINE + 'o.environ["HF_TOKEN"] = userdata.get("HF_TOKEN")\n',
    ),
    (
        "from-environ-alias",
        'from os import environ as env\nenv["DB_PASSWORD"] = "hunter2-not-real"\n',
        "from os import environ as env\n\n" + LINE + 'env["DB_PASSWORD"] = userdata.get("DB_PASSWORD")\n',
    ),
    (
        "other-secret",
        'import os\nos.environ["OPENAI_API_KEY"] = "sk-test-not-a-real-key-0000"\n',
        "import os\n\n" + LINE + 'os.environ["OPENAI_API_KEY"] = userdata.get("OPENAI_API_KEY")\n',
    ),
    (
        "key-names-the-token",
        'import os\nos.environ["HUGGING_FACE_HUB_TOKEN"] = "<T1>"\nlogin(token="<T1>")\n',
        "import os\n\n" + LINE + ""
        'os.environ["HUGGING_FACE_HUB_TOKEN"] = userdata.get("HUGGING_FACE_HUB_TOKEN")\n'
        'login(token=userdata.get("HUGGING_FACE_HUB_TOKEN"))\n',
    ),
    (
        "two-tokens",
        'a = "<T1>"\nb = "<T2>"\nc = "<T1>"\n',
        IMPORT
        + 'a = userdata.get("HF_TOKEN")\nb = userdata.get("HF_TOKEN_2")\nc = userdata.get("HF_TOKEN")\n',
    ),
    (
        "same-key-two-tokens",
        'import os\nos.environ["HF_TOKEN"] = "<T1>"\na = os.environ["HF_TOKEN"]\n'
        'os.environ["HF_TOKEN"] = "<T2>"\nb = "<T2>"\n',
        "import os\n\n"
        + LINE
        + 'os.environ["HF_TOKEN"] = userdata.get("HF_TOKEN")\na = os.environ["HF_TOKEN"]\n'
        'os.environ["HF_TOKEN"] = userdata.get("HF_TOKEN_2")\nb = userdata.get("HF_TOKEN_2")\n',
    ),
    (
        "key-of-a-later-write-stays-its-own",
        'import os\nos.environ["HF_TOKEN"] = "<T1>"\nos.environ["HF_TOKEN"] = "<T2>"\n'
        'os.environ["HF_TOKEN_2"] = "<ORG>"\n',
        "import os\n\n" + LINE + 'os.environ["HF_TOKEN"] = userdata.get("HF_TOKEN")\n'
        'os.environ["HF_TOKEN"] = userdata.get("HF_TOKEN_3")\n'
        'os.environ["HF_TOKEN_2"] = userdata.get("HF_TOKEN_2")\n',
    ),
    ("org-token", 'call(api_key="<ORG>")\n', IMPORT + 'call(api_key=userdata.get("HF_TOKEN"))\n'),
    ("list", 'x = ["a", "<T1>"]\n', IMPORT + 'x = ["a", userdata.get("HF_TOKEN")]\n'),
    ("escape-before", "print('\\n<T1>')\n", IMPORT + "print(f'\\n{userdata.get(\"HF_TOKEN\")}')\n"),
    ("u-prefix", 't = u"Bearer <T1>"\n', IMPORT + "t = f\"Bearer {userdata.get('HF_TOKEN')}\"\n"),
    (
        "triple-quoted-json",
        's = """{\n  "token": "<T1>"\n}"""\n',
        IMPORT + 's = f"""{{\n  "token": "{userdata.get(\'HF_TOKEN\')}"\n}}"""\n',
    ),
    (
        "named-escape",
        's = "\\N{BULLET} <T1> {x}"\n',
        IMPORT + "s = f\"\\N{BULLET} {userdata.get('HF_TOKEN')} {{x}}\"\n",
    ),
    ("method-on-literal", 't = "<T1>".strip()\n', IMPORT + 't = userdata.get("HF_TOKEN").strip()\n'),
    # Where the import goes.
    (
        "after-docstring-and-future",
        '"""Doc."""\nfrom __future__ import annotations\n\nlogin(token="<T1>")\n',
        '"""Doc."""\nfrom __future__ import annotations\n\n'
        + IMPORT
        + 'login(token=userdata.get("HF_TOKEN"))\n',
    ),
    (
        "after-shebang-cookie-licence",
        '#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n# Licence\nimport os\nlogin(token="<T1>")\n',
        "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n# Licence\nimport os\n\n"
        + LINE
        + 'login(token=userdata.get("HF_TOKEN"))\n',
    ),
    (
        "merged",
        'from google.colab import drive  # mount\nlogin(token="<T1>")\n',
        'from google.colab import drive, userdata  # mount\nlogin(token=userdata.get("HF_TOKEN"))\n',
    ),
    (
        "merged-parenthesized",
        'from google.colab import (\n    drive,\n)\nlogin(token="<T1>")\n',
        # userdata in its sorted place
        'from google.colab import (\n    drive, userdata,\n)\nlogin(token=userdata.get("HF_TOKEN"))\n',
    ),
    (
        "already-imported",
        'from google.colab import userdata\nlogin(token="<T1>")\n',
        'from google.colab import userdata\nlogin(token=userdata.get("HF_TOKEN"))\n',
    ),
    (
        "already-imported-in-try",
        'try:\n    from google.colab import userdata\nexcept ImportError:\n    pass\nlogin(token="<T1>")\n',
        "try:\n    from google.colab import userdata\nexcept ImportError:\n    pass\n"
        'login(token=userdata.get("HF_TOKEN"))\n',
    ),
    (
        "colab-import-after-use-not-merged",
        'login(token="<T1>")\nfrom google.colab import drive\n',
        IMPORT + 'login(token=userdata.get("HF_TOKEN"))\nfrom google.colab import drive\n',
    ),
    ("no-final-newline", 'login(token="<T1>")', IMPORT + 'login(token=userdata.get("HF_TOKEN"))'),
    # An import counts only where it runs before the read.
    (
        "import-after-use",
        'R = "<T1>"\nfrom google.colab import userdata\n',
        IMPORT + 'R = userdata.get("HF_TOKEN")\nfrom google.colab import userdata\n',
    ),
    (
        "import-only-in-a-function",
        'def f():\n    from google.colab import userdata\nR = "<T1>"\n',
        IMPORT + '\ndef f():\n    from google.colab import userdata\nR = userdata.get("HF_TOKEN")\n',
    ),
    (
        "import-on-the-reading-line",
        'from google.colab import userdata; R = "<T1>"\n',
        IMPORT + 'from google.colab import userdata; R = userdata.get("HF_TOKEN")\n',
    ),
    # `userdata` bound to something else: the module gets a name of its own.
    (
        "userdata-is-a-dict",
        'userdata = {"a": 1}\nR = ("<T1>", userdata)\n',
        'from google.colab import userdata as colab_userdata\n\nuserdata = {"a": 1}\n'
        'R = (colab_userdata.get("HF_TOKEN"), userdata)\n',
    ),
    (
        "userdata-is-a-parameter",
        'def f(userdata=None):\n    return "<T1>", userdata\nR = f()\n',
        "from google.colab import userdata as colab_userdata\n\n\n"
        'def f(userdata=None):\n    return colab_userdata.get("HF_TOKEN"), userdata\nR = f()\n',
    ),
    (
        "userdata-and-the-fresh-name-taken",
        'for userdata in [1]:\n    pass\ncolab_userdata = 2\nR = "<T1>"\n',
        "from google.colab import userdata as colab_userdata_2\n\nfor userdata in [1]:\n    pass\n"
        'colab_userdata = 2\nR = colab_userdata_2.get("HF_TOKEN")\n',
    ),
    (
        "userdata-is-another-module",
        'import json as userdata\nR = ("<T1>", userdata.dumps(1))\n',
        "import json as userdata\n\nfrom google.colab import userdata as colab_userdata\n"
        'R = (colab_userdata.get("HF_TOKEN"), userdata.dumps(1))\n',
    ),
    (
        "userdata-fallback-when-the-import-fails",
        'try:\n    from google.colab import userdata\nexcept ImportError:\n    userdata = None\nR = "<T1>"\n',
        "try:\n    from google.colab import userdata\nexcept ImportError:\n    userdata = None\n"
        'R = userdata.get("HF_TOKEN")\n',
    ),
    (
        "userdata-set-when-another-import-fails",
        'try:\n    import json\nexcept ImportError:\n    userdata = None\nR = "<T1>"\n',
        "from google.colab import userdata as colab_userdata\n\n"
        "try:\n    import json\nexcept ImportError:\n    userdata = None\n"
        'R = colab_userdata.get("HF_TOKEN")\n',
    ),
    # After the docstring and __future__ imports, also when a `;` follows them on the same line.
    (
        "future-then-import-on-one-line",
        'from __future__ import annotations; import os\nR = "<T1>"\n',
        "from __future__ import annotations; from google.colab import userdata; import os\n"
        'R = userdata.get("HF_TOKEN")\n',
    ),
    (
        "docstring-then-import-on-one-line",
        '"""Doc."""; import os\nR = "<T1>"\n',
        '"""Doc."""; from google.colab import userdata; import os\nR = userdata.get("HF_TOKEN")\n',
    ),
    (
        "docstring-then-read-on-one-line",
        '"""Doc."""; R = "<T1>"\n',
        '"""Doc."""; from google.colab import userdata; R = userdata.get("HF_TOKEN")\n',
    ),
    # A token that is not a token once the pieces are joined: its own piece is rewritten.
    (
        "concatenated-token-first",
        'R = ("<T1>" "b")\n',
        IMPORT + 'R = (f"{userdata.get(\'HF_TOKEN\')}" "b")\n',
    ),
    ("concatenated-token-last", 'R = "a" "<T1>"\n', IMPORT + 'R = "a" f"{userdata.get(\'HF_TOKEN\')}"\n'),
    (
        "concatenated-token-middle",
        'R = ("a" "<T1>" "b")\n',
        IMPORT + 'R = ("a" f"{userdata.get(\'HF_TOKEN\')}" "b")\n',
    ),
    (
        "concatenated-token-in-first-line",
        'R = ("a /<T1>"\n     "b")\n',
        IMPORT + 'R = (f"a /{userdata.get(\'HF_TOKEN\')}"\n     "b")\n',
    ),
    (
        "concatenated-template",
        'R = ("{} <T1>" "b{}").format(1, 2)\n',
        IMPORT + 'R = (f"{{}} {userdata.get(\'HF_TOKEN\')}" "b{}").format(1, 2)\n',
    ),
    (
        "concatenated-bytes",
        'R = (b"<T1>" b"b")\n',
        IMPORT + 'R = ((userdata.get("HF_TOKEN").encode() + b"b"))\n',
    ),
    # A comment inside a literal's opening parenthesis, which libcst visits after the literal: once
    # mislocated (reported as a string, unfixable, and --fix failed on overlapping edits).
    (
        "comment-in-parentheses",
        'msg = (  # <T1>\n    "text"\n)\nnote = "x"  # <T1>\n',
        'msg = (  # <M1>\n    "text"\n)\nnote = "x"  # <M1>\n',
    ),
    ("comment-before-f-string", 'x = (  # <T1>\n    f"{x}"\n)\n', 'x = (  # <M1>\n    f"{x}"\n)\n'),
    ("comment-after-f-string", 'x = (f"a{x}"  # <T1>\n)\n', 'x = (f"a{x}"  # <M1>\n)\n'),
    (
        "quoted-token-in-comment-after-f-string",
        'x = (f"a{x}"  # "<T1>"\n)\ny = "<T1>"\n',
        IMPORT + 'x = (f"a{x}"  # "<M1>"\n)\ny = userdata.get("HF_TOKEN")\n',
    ),
    (
        "same-comment-twice",
        'a = (  # noqa\n    "<T1>"\n)\nb = 1  # noqa\nc = "<T1>"\n',
        IMPORT
        + 'a = (  # noqa\n    userdata.get("HF_TOKEN")\n)\nb = 1  # noqa\nc = userdata.get("HF_TOKEN")\n',
    ),
]

ENV_STYLE: list[tuple[str, str, str]] = [
    ("argument", 'login(token="<T1>")\n', 'import os\n\nlogin(token=os.environ["HF_TOKEN"])\n'),
    (
        "already-imported",
        'import os\nh = "Bearer <T1>"\n',
        "import os\nh = f\"Bearer {os.environ['HF_TOKEN']}\"\n",
    ),
    (
        "environ",
        'import os\nos.environ["OPENAI_API_KEY"] = "sk-test-not-a-real-key-0000"\n',
        "",  # the variable comes from outside: the write goes (not read into itself), and the unused import
    ),
    ("import-after-use", 'R = "<T1>"\nimport os\n', 'import os\n\nR = os.environ["HF_TOKEN"]\nimport os\n'),
    (
        "future-and-import-before-use-on-one-line",
        'from __future__ import annotations; import os\nR = "<T1>"\n',
        'from __future__ import annotations; import os\nR = os.environ["HF_TOKEN"]\n',
    ),
    (
        "os-is-a-string",
        'os = "linux"\nR = ("<T1>", os)\n',
        'import os as _os\n\nos = "linux"\nR = (_os.environ["HF_TOKEN"], os)\n',
    ),
    (
        "os-is-a-parameter",
        'def f(os=None):\n    return "<T1>"\nR = f()\n',
        'import os as _os\n\n\ndef f(os=None):\n    return _os.environ["HF_TOKEN"]\nR = f()\n',
    ),
    (
        "os-rebound-after-the-import",
        'import os\nos = os.path\nR = "<T1>"\n',
        'import os\nimport os as _os\nos = os.path\nR = _os.environ["HF_TOKEN"]\n',  # isort's order
    ),
]

# Leaks the fixer must leave alone (reported as not fixed), and the reason it gives.
NOT_FIXED: list[tuple[str, str, str]] = [
    ("inside-f-string-expression", "t = f\"{'<T1>'}\"\n", "not in a string literal"),
    ("match-pattern", 'match x:\n    case "<T1>":\n        pass\n', "match pattern"),
    ("syntax-error", 'login(token="<T1>"\n', "could not be parsed"),
    # libcst stalls on it (minutes), wherever CPython's parser accepts it (Python 3.10, 3.13): refused.
    ("nested-too-deeply-elsewhere", "x = " + "1+" * 3000 + "1\nt = '<T1>'\n", "could not be parsed"),
]


def _ids(table: list[tuple[str, str, str]]) -> list[str]:
    return [row[0] for row in table]


@pytest.mark.parametrize(("name", "before", "after"), GOLDEN, ids=_ids(GOLDEN))
def test_fix_golden(name: str, before: str, after: str) -> None:
    result = fix_source(sub(before), "example.py", fix_options=COLAB)
    assert result.text == sub(after)
    assert not result.not_fixed
    assert not list(find_tokens(result.text))
    assert scan_source(result.text, "example.py").findings == ()
    compile(result.text, "example.py", "exec")


@pytest.mark.parametrize(("name", "before", "after"), GOLDEN, ids=_ids(GOLDEN))
def test_fix_is_idempotent(name: str, before: str, after: str) -> None:
    once = fix_source(sub(before), "example.py", fix_options=COLAB).text
    twice = fix_source(once, "example.py", fix_options=COLAB)
    assert twice.text == once and not twice.changed


@pytest.mark.parametrize(("name", "before", "after"), ENV_STYLE, ids=_ids(ENV_STYLE))
def test_fix_env_style(name: str, before: str, after: str) -> None:
    result = fix_source(sub(before), "example.py", fix_options=FixOptions(style="env"))
    assert result.text == sub(after)


@pytest.mark.parametrize(("name", "before", "after"), ENV_STYLE, ids=_ids(ENV_STYLE))
def test_env_style_computes_the_same_values(
    name: str, before: str, after: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in SECRETS.items():
        monkeypatch.setenv(key, value)
    original = sub(before)
    fixed = fix_source(original, "example.py", fix_options=FixOptions(style="env")).text
    names, calls_before = _stubs()
    values_before, env_before = _run(original, names), dict(os.environ)
    names, calls_after = _stubs()
    assert (_run(fixed, names), dict(os.environ), calls_after) == (values_before, env_before, calls_before)


def test_secret_name_for_tokens_without_a_key() -> None:
    before = sub('import os\nos.environ["HF_TOKEN"] = "<T1>"\nlogin(token="<T2>")\n')
    result = fix_source(before, "example.py", fix_options=FixOptions(style="userdata", secret_name="MY_HF"))
    assert result.text == "import os\n\n" + LINE + (
        'os.environ["HF_TOKEN"] = userdata.get("HF_TOKEN")\nlogin(token=userdata.get("MY_HF"))\n'
    )
    assert result.secret_names == ("HF_TOKEN", "MY_HF")


@pytest.mark.parametrize(("name", "before", "reason"), NOT_FIXED, ids=_ids(NOT_FIXED))
def test_not_fixed_left_alone(name: str, before: str, reason: str) -> None:
    result = fix_source(sub(before), "example.py", fix_options=COLAB)
    assert result.text == sub(before) and not result.changed
    assert [item.finding.rule for item in result.not_fixed] == ["HFG001"]
    assert reason in result.not_fixed[0].reason


NOOP = [fill(ex) for rule in RULES.values() for ex in rule.not_flagged if isinstance(ex, str)] + [
    'login(token=userdata.get("HF_TOKEN"))\n',
    'x = "hf_****abcd"  # already masked\n',
]


@pytest.mark.parametrize("source", NOOP)
def test_files_without_findings_are_untouched(source: str) -> None:
    result = fix_source(source, "example.py", fix_options=COLAB)
    assert result.text == source and not result.changed and result.fixed == ()


# -- every other byte stays: line endings, BOM, encodings, whitespace


def _fixed_bytes(data: bytes) -> Optional[bytes]:
    return fix_bytes(data, "example.py", fix_options=COLAB).new_data


def test_crlf_and_trailing_whitespace_kept() -> None:
    data = sub('"""Doc."""\r\nimport os  \r\nos.environ["HF_TOKEN"] = "<T1>"\t\r\nx = 1\r\n').encode()
    expected = (
        b'"""Doc."""\r\nimport os  \r\n\r\nfrom google.colab import userdata\r\n'
        b'os.environ["HF_TOKEN"] = userdata.get("HF_TOKEN")\t\r\nx = 1\r\n'
    )
    assert _fixed_bytes(data) == expected


def test_cr_only_line_endings_kept() -> None:
    data = sub('x = 1\rlogin(token="<T1>")\r').encode()
    assert (
        _fixed_bytes(data)
        == b'from google.colab import userdata\r\rx = 1\rlogin(token=userdata.get("HF_TOKEN"))\r'
    )


def test_bom_and_non_ascii_kept() -> None:
    data = codecs.BOM_UTF8 + sub('café = "ü"\nlogin(token="<T1>")\n').encode()
    expected = (
        codecs.BOM_UTF8
        + 'from google.colab import userdata\n\ncafé = "ü"\nlogin(token=userdata.get("HF_TOKEN"))\n'.encode()
    )
    assert _fixed_bytes(data) == expected


def test_latin1_file_stays_latin1() -> None:
    data = sub('# -*- coding: latin-1 -*-\nname = "café"\nlogin(token="<T1>")\n').encode("latin-1")
    expected = (
        '# -*- coding: latin-1 -*-\nfrom google.colab import userdata\n\nname = "café"\n'
        'login(token=userdata.get("HF_TOKEN"))\n'
    ).encode("latin-1")
    assert _fixed_bytes(data) == expected


def test_unchanged_bytes_are_not_rewritten() -> None:
    result = fix_bytes(b"x = 1\n", "example.py", fix_options=COLAB)
    assert result.new_data is None


# -- the fixed code runs and computes the same values


def _run(code: str, names: dict[str, Any]) -> dict[str, Any]:
    namespace = dict(names)
    exec(compile(code, "example.py", "exec"), namespace)
    return {
        key: value
        for key, value in namespace.items()
        if key not in names
        and key != "__builtins__"
        and not callable(value)
        and not hasattr(value, "__spec__")
    }


def _stubs() -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    calls: list[tuple[str, Any]] = []

    def recorder(name: str) -> Any:
        return lambda *args, **kwargs: calls.append((name, (args, kwargs)))

    names: dict[str, Any] = {
        "login": recorder("login"),
        "call": recorder("call"),
        "name": "N",
        "prefix": "P-",
        "suffix": "-S",
        "x": "X",
    }
    return names, calls


RUNNABLE = [row for row in GOLDEN if row[0] not in {"match-pattern", "putenv"}]


@pytest.mark.parametrize(("name", "before", "after"), RUNNABLE, ids=_ids(RUNNABLE))
def test_fixed_code_computes_the_same_values(
    name: str, before: str, after: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = sub(before)
    fixed = fix_source(original, "example.py", fix_options=COLAB).text
    secrets = dict(SECRETS)
    if name == "org-token":
        secrets["HF_TOKEN"] = sub("<ORG>")
    if name == "key-of-a-later-write-stays-its-own":
        secrets.update(HF_TOKEN_2=sub("<ORG>"), HF_TOKEN_3=sub("<T2>"))
    if name == "environ-placeholder":  # the placeholder was never a real token; the secret replaces it
        secrets["HF_TOKEN"] = "hf_your_token_here"  # hf-secret-guard: ignore[HFG005]
    asked = install_fake_colab(monkeypatch, secrets)
    environ_before = dict(os.environ)
    try:
        names, calls_before = _stubs()
        values_before = _run(original, names)
        env_after_original = dict(os.environ)
        os.environ.clear()
        os.environ.update(environ_before)
        names, calls_after = _stubs()
        values_after = _run(fixed, names)
        env_after_fixed = dict(os.environ)
    finally:
        os.environ.clear()
        os.environ.update(environ_before)
    assert values_after == values_before
    assert calls_after == calls_before
    assert env_after_fixed == env_after_original
    uses_secret = re.search(r"userdata\w*\.get\(", fixed) is not None
    assert bool(asked) == uses_secret


def test_env_style_runs_with_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    original = sub('import os\nh = {"Authorization": "Bearer <T1>"}\nb = b"<T1>"\n')
    fixed = fix_source(original, "example.py", fix_options=FixOptions(style="env")).text
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    assert _run(fixed, {}) == _run(original, {})


def test_comments_in_parentheses_are_found_where_they_are() -> None:
    """The detector and the fixer share one leaf locator (``read.literals``): same places, same sites."""
    text = sub('msg = (  # <T1>\n    "text"\n)\nx = (  # <T2>\n    f"{x}"\n)\n')
    found = [(f.site, f.span.line, f.span.column, f.fixable) for f in scan_source(text).findings]
    assert found == [("comment", 1, 12, True), ("comment", 4, 10, True)]


def test_edits_that_overlap_leave_the_file_unchanged_with_a_reason() -> None:
    """Two edits for the same text (here: every finding passed twice) are a planning error: nothing is
    written, each finding says why, and no exception escapes."""
    from hf_secret_guard.fix.document import fix_source_text

    text = sub('x = "<T1>"  # <T1>\n')
    findings = scan_source(text, "example.py").findings
    result = fix_source_text(text, "example.py", findings + findings, COLAB)
    assert result.text == text and not result.changed and not result.fixed
    assert [error.kind for error in result.errors] == ["fix"]
    assert "file left unchanged" in result.errors[0].message
    assert {item.reason for item in result.not_fixed} == {"the fix could not be planned"}
