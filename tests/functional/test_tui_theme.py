# SPDX-License-Identifier: MIT
"""Finding and naming themes in the real TUI (issue 15)."""
import types


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
