"""The remnant finder flags leftover template Jinja and nothing the generated files legitimately contain."""

from __future__ import annotations

from pathlib import Path

from shipyard.jinja_remnants import find_remnants

QUESTIONS = ["project_name", "project_slug", "python_version"]


def scan(tmp_path: Path, rendered: dict[str, str], sources: dict[str, str]) -> list[str]:
    template, project = tmp_path / "template", tmp_path / "project"
    for root, files in ((template, sources), (project, rendered)):
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text)
    return find_remnants(project, [Path(name) for name in rendered], template, QUESTIONS)


def test_leftover_expressions_tags_and_comments_are_found(tmp_path: Path) -> None:
    rendered = {
        "README.md": (
            "# {{ project_name }}\n{%- if database == 'sqlite' %}\nok\n{# note #}\nname = {{shipyard.x}}\n"
        ),
    }

    found = scan(tmp_path, rendered, {"README.md.jinja": "unused"})

    assert found == [
        "README.md:1: # {{ project_name }}",
        "README.md:2: {%- if database == 'sqlite' %}",
        "README.md:4: {# note #}",
        "README.md:5: name = {{shipyard.x}}",
    ]


def test_legitimate_braces_are_not_remnants(tmp_path: Path) -> None:
    rendered = {
        "ci.yml": "python: ${{ matrix.python_version }}\nkey: ${{ secrets.PROJECT_NAME }}\n",
        "chart.yaml": "image: {{ .Values.image }}\n",
        "app.py": "message = f'{{literal}} {value}'\nmapping = {'a': {1: 2}}\n",
    }

    assert scan(tmp_path, rendered, {"ci.yml.jinja": "", "chart.yaml.jinja": "", "app.py.jinja": ""}) == []


def test_verbatim_files_and_raw_blocks_are_allowed(tmp_path: Path) -> None:
    docs = "Render with {{ project_slug }} in your own template.\n"
    rendered = {"docs/recipe.md": docs, "Makefile": "echo {{ project_name }}\n"}
    sources = {
        "docs/recipe.md": docs,  # copied verbatim: its braces are its content
        "Makefile.jinja": "{% raw %}\necho {{ project_name }}\n{% endraw %}\n",
    }

    assert scan(tmp_path, rendered, sources) == []


def test_unrendered_paths_are_found(tmp_path: Path) -> None:
    rendered = {"{{ project_slug }}/x.py": "", "config.toml.jinja": ""}

    found = scan(tmp_path, rendered, {})

    assert "{{ project_slug }}/x.py: unrendered path" in found
    assert "config.toml.jinja: unrendered path" in found
