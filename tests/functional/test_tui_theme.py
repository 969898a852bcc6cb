# SPDX-License-Identifier: MIT
"""Finding, naming and loading themes, in the real TUI (issue 15) and in
batch mode."""
import re
import types

from natterlib import Batch, wait_for


def test_natter_run_from_the_build_tree_finds_the_bundled_themes(home, tui_factory):
    # As a developer runs ./natter before `make install`: no NATTER_THEME_DIR,
    # and nothing installed under the configured data directory.
    env = {k: v for k, v in home.env.items() if k != "NATTER_THEME_DIR"}
    t = tui_factory(env_home=types.SimpleNamespace(env=env))
    t.wait_screen(r"/help lists the commands")
    t.command("/theme show")
    t.wait_screen(r"theme \S+:")
    assert "not found" not in t.screen(), t.screen()
    t.wait_screen(r"theme default:")
    t.command("/theme load mono")
    t.wait_screen(r"theme mono loaded")


def test_tab_completes_bundled_and_user_theme_names(home, tui_factory):
    d = home.config / "natter" / "themes"
    d.mkdir(parents=True)
    (d / "zz-mine.theme").write_text("[colours]\ntext=default\n")
    t = tui_factory()
    t.wait_screen(r"/help lists the commands")
    t.type("/theme load sol")
    t.keys("Tab")
    t.wait_screen(r"^> /theme load solarized\s*$")
    t.keys("C-u")
    t.type("/theme load zz")
    t.keys("Tab")
    t.wait_screen(r"^> /theme load zz-mine\s*$")
    t.keys("Enter")
    t.wait_screen(r"theme zz-mine loaded")


def test_theme_commands_work_without_the_tui_and_load_is_an_event(home):
    """/theme reads and checks themes in the command layer (issue 17
    item 0): batch mode lists and shows them, and /theme load saves
    ui.theme and announces theme-load (what the TUI acts on) only for a
    theme that can be used."""
    d = home.config / "natter" / "themes"
    d.mkdir(parents=True)
    (d / "notakeyfile.theme").write_text("this is not a key file\n")
    (d / "odd.theme").write_text("[colours]\ntitle=#12345g bold\n")
    b = Batch(home)
    b.send("/theme load mono")
    ev = b.wait_event("theme-load")
    assert ev["name"] == "mono"
    b.wait_event("command-output", text="theme mono loaded (saved as ui.theme)")
    b.send("/theme show")
    b.wait_event("command-output", text="theme mono:")
    b.wait_event("command-output", text=re.compile(r"^  title\s+reverse bold$"))
    b.send("/theme list")
    b.wait_event("command-output", text="mono  (in use)")
    b.send("/theme load notakeyfile")
    b.wait_event("command-result", command="theme", status="error")
    b.send("/theme load odd")
    b.wait_event("theme-load", name="odd")
    b.send("/theme load no-such-theme")
    wait_for(lambda: b.stderr.count("natter: ") >= 3, 10, "three errors")
    b.wait_stderr("notakeyfile.theme: ")
    b.wait_stderr("odd.theme:2: '#12345g' is not a colour or attribute")
    b.wait_stderr("theme 'no-such-theme' not found")
    assert [e["name"] for e in b.events if e["event"] == "theme-load"] \
        == ["mono", "odd"]
    assert b.close() == 1
    assert "theme=odd" in (home.config / "natter" / "natterrc").read_text() \
        .replace(" ", "")
