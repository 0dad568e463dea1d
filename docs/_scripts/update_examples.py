"""Re-run every example in README.md and docs/ and write what it prints into the page.

    .venv/bin/python docs/_scripts/update_examples.py            # all pages
    .venv/bin/python docs/_scripts/update_examples.py docs/tutorial.md
    .venv/bin/python docs/_scripts/update_examples.py --check    # report only, like the tests
    .venv/bin/python docs/_scripts/update_examples.py --head     # against the last commit

`--head` runs the examples against the committed code (a temporary git worktree of HEAD put
first on PYTHONPATH, with its scenarios/), not the working tree: in a checkout shared with
work in progress, the saved outputs then match what the commit produces.

Run it after a deliberate change of the model or of the CLI output, then review the diff
(`git diff README.md docs/`) before committing: the numbers in the docs are what readers will
get. The tests (tests/test_docs.py) only compare; they never rewrite a page.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import examples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", type=Path, help="Markdown files (default: all)")
    parser.add_argument("--check", action="store_true", help="compare only, write nothing")
    parser.add_argument("--head", action="store_true", help="run against the committed code (HEAD)")
    args = parser.parse_args(argv)
    if args.head:
        return at_head([a for a in (argv if argv is not None else sys.argv[1:]) if a != "--head"])
    pages = [p.resolve() for p in args.pages] or examples.documents()
    failed = changed = 0
    for page in pages:
        outcomes = examples.run_document(page)
        bad = [o for o in outcomes if not o.ok]
        name = page.relative_to(examples.ROOT)
        if args.check:
            for o in bad:
                print(examples.describe_failure(o), file=sys.stderr)
            failed += bool(bad)
            print(f"{name}: {len(outcomes)} examples, {len(bad)} out of date")
            continue
        errors = [o for o in outcomes if o.error is not None]
        if errors:
            for o in errors:
                print(examples.describe_failure(o), file=sys.stderr)
            failed += 1
            print(f"{name}: NOT updated, {len(errors)} examples raise or are not excerpts")
            continue
        if examples.rewrite(page, outcomes):
            changed += 1
            print(f"{name}: updated {len(bad)} of {len(outcomes)} examples")
        else:
            print(f"{name}: {len(outcomes)} examples, up to date")
    if not args.check:
        print(f"{changed} page(s) rewritten; review with: git diff README.md docs/")
    return 1 if failed else 0


def at_head(argv: list[str]) -> int:
    """Run this script again with a worktree of HEAD first on the import path."""
    root = examples.ROOT
    with tempfile.TemporaryDirectory(prefix="ikdsim-head-") as tmp:
        tree = Path(tmp) / "head"
        subprocess.run(["git", "-C", str(root), "worktree", "add", "--detach", "--quiet", str(tree), "HEAD"],
                       check=True)
        try:
            commit = subprocess.run(["git", "-C", str(tree), "log", "--oneline", "-1"], check=True,
                                    capture_output=True, text=True).stdout.strip()
            print(f"running the examples against {commit}")
            env = {**os.environ, "PYTHONPATH": str(tree), examples.SOURCE_ENV: str(tree)}
            pages = [str(Path(p).resolve()) for p in argv if not p.startswith("-")]
            flags = [a for a in argv if a.startswith("-")]
            return subprocess.run([sys.executable, __file__, *flags, *pages], env=env, cwd=tree,
                                  check=False).returncode
        finally:
            subprocess.run(["git", "-C", str(root), "worktree", "remove", "--force", str(tree)], check=False)


if __name__ == "__main__":
    sys.exit(main())
