"""Site files (SPEC §2): every mistake is reported with the file, the key path and the line."""

from __future__ import annotations

from pathlib import Path

from conftest import Repo, problem_lines, site_toml

from zhanqun.config.sites import load_cluster
from zhanqun.errors import Problems


def load(repo: Repo) -> tuple[list[str], list[str]]:
    problems = Problems()
    cluster = load_cluster(repo.root, problems)
    return cluster.ids, [p.format() for p in problems]


def test_valid_cluster_loads_in_navigation_order(small_cluster: Repo) -> None:
    ids, problems = load(small_cluster)
    assert problems == []
    assert ids == ["portal", "arxan", "ulanhot", "tjj"]


def test_order_key_sorts_sites_of_a_kind(small_cluster: Repo) -> None:
    small_cluster.site("ulanhot", "乌兰浩特市人民政府", extra="order = 1")
    small_cluster.site("arxan", "阿尔山市人民政府", extra="order = 2")
    ids, _ = load(small_cluster)
    assert ids == ["portal", "ulanhot", "arxan", "tjj"]


def test_unknown_column_type_names_the_key_path_and_choices(small_cluster: Repo) -> None:
    small_cluster.site("arxan", "阿尔山市人民政府", columns=(("zwdt", "政务动态", "news"), ("tzgg", "通知公告", "news"), ("x", "X", "newz")))
    _, problems = load(small_cluster)
    assert len(problems) == 1
    assert problems[0].startswith("sites/arxan.toml:")
    assert "columns[2].type: 'newz' is not one of news, document" in problems[0]
    line = int(problems[0].split(":")[1])
    assert (small_cluster.root / "sites/arxan.toml").read_text().splitlines()[line - 1].startswith("type")


def test_unknown_key_suggests_the_right_one(small_cluster: Repo) -> None:
    small_cluster.write("sites/arxan.toml", site_toml("arxan", "阿尔山市人民政府").replace("sitecode", "sitecod"))
    _, problems = load(small_cluster)
    assert any("sitecod: unknown key (did you mean 'sitecode'?)" in p for p in problems)
    assert any("sitecode: required key is missing" in p for p in problems)


def test_missing_footer_keys_are_all_reported(small_cluster: Repo) -> None:
    text = site_toml("arxan", "阿尔山市人民政府")
    text = "\n".join(line for line in text.splitlines() if not line.startswith(("icp", "police")))
    small_cluster.write("sites/arxan.toml", text)
    _, problems = load(small_cluster)
    assert sorted(p.split(": ", 2)[-1] for p in problems) == [
        "footer.icp: required key is missing",
        "footer.police: required key is missing",
    ]


def test_id_must_equal_file_name(small_cluster: Repo) -> None:
    small_cluster.write("sites/arxan.toml", site_toml("arxn", "阿尔山市人民政府"))
    _, problems = load(small_cluster)
    assert any("sites/arxan.toml:1: bad-value: id: 'arxn' must equal the file name 'arxan'" == p for p in problems)


def test_parent_must_exist(small_cluster: Repo) -> None:
    small_cluster.write("sites/arxan.toml", site_toml("arxan", "阿尔山市人民政府").replace('parent = "portal"', 'parent = "portl"'))
    _, problems = load(small_cluster)
    assert problems == ["sites/arxan.toml:4: unknown-site: parent: no site 'portl' (did you mean 'portal'?)"]


def test_county_without_parent_is_an_error(small_cluster: Repo) -> None:
    small_cluster.write("sites/arxan.toml", site_toml("arxan", "阿尔山市人民政府").replace('parent = "portal"\n', ""))
    _, problems = load(small_cluster)
    assert any("parent: a county site must name its parent" in p for p in problems)


def test_column_folder_without_column_is_an_error_at_the_authors_file(small_cluster: Repo) -> None:
    """The author put the file in the wrong folder: the error is theirs, with the columns by name."""
    small_cluster.write("content/arxan/zwdtt/x.md", "Title: x\nDate: 2026-01-01\n\ntext\n")
    small_cluster.write("content/arxan/zwdt/y.md", "Title: y\nDate: 2026年1月1日\n\ntext\n")
    _, problems = load(small_cluster)
    assert problems == []  # the site file is fine
    result = small_cluster.run("check")
    assert result.exit_code == 1
    lines = problem_lines(result)
    assert lines[1].startswith("content/arxan/zwdtt/x.md: unknown-column: ")
    assert "has no column 'zwdtt' (did you mean 'zwdt'?)" in lines[1] and "zwdt (政务动态)" in lines[1]
    assert lines[0].startswith("content/arxan/zwdt/y.md:2: bad-value")  # listed in the same run


def test_content_folder_without_site_file_is_an_error(small_cluster: Repo) -> None:
    small_cluster.write("content/kyqq/zwdt/x.md", "Title: x\nDate: 2026-01-01\n\ntext\n")
    result = small_cluster.run("check")
    assert result.exit_code == 1
    assert problem_lines(result) == ["content/kyqq: unknown-site: no site file sites/kyqq.toml for this folder"]


def test_duplicate_column_id_is_an_error(small_cluster: Repo) -> None:
    small_cluster.site("arxan", "阿尔山市人民政府", columns=(("zwdt", "政务动态", "news"), ("zwdt", "又一个", "news")))
    _, problems = load(small_cluster)
    assert any("columns[1].id: 'zwdt' is already columns[0]" in p for p in problems)


def test_reserved_column_ids_are_refused(small_cluster: Repo) -> None:
    small_cluster.site("arxan", "阿尔山市人民政府", columns=(("files", "附件", "news"),))
    _, problems = load(small_cluster)
    assert any("columns[0].id: 'files' is a folder the build itself uses" in p for p in problems)


def test_toml_syntax_error_is_located(small_cluster: Repo) -> None:
    small_cluster.write("sites/arxan.toml", 'id = "arxan"\nname = \n')
    _, problems = load(small_cluster)
    assert problems[0].startswith("sites/arxan.toml:2: toml-syntax:")


def test_bad_sitecode_and_url(small_cluster: Repo) -> None:
    text = site_toml("arxan", "阿尔山市人民政府").replace('"1522000001"', '"15220"').replace("https://arxan.example.gov.cn/", "www.arxan.gov.cn")
    small_cluster.write("sites/arxan.toml", text)
    _, problems = load(small_cluster)
    assert any("sitecode: '15220' must be 10 characters" in p for p in problems)
    assert any("url: 'www.arxan.gov.cn' is not an address" in p for p in problems)


def test_every_broken_site_file_is_reported_at_once(small_cluster: Repo) -> None:
    small_cluster.write("sites/arxan.toml", site_toml("arxan", "阿尔山市人民政府").replace('kind = "county"', 'kind = "country"'))
    small_cluster.write("sites/ulanhot.toml", site_toml("ulanhot", "乌兰浩特市人民政府").replace('name = "乌兰浩特市人民政府"\n', ""))
    _, problems = load(small_cluster)
    assert {p.split(":")[0] for p in problems} == {"sites/arxan.toml", "sites/ulanhot.toml"}


def test_owned_pelican_settings_are_refused(small_cluster: Repo) -> None:
    small_cluster.site("arxan", "阿尔山市人民政府", extra='[pelican.settings]\nSITEURL = "x"\n')
    result = small_cluster.run("check")
    assert result.exit_code == 1
    assert "sites/arxan.toml: bad-value: pelican.settings.SITEURL: zhanqun sets this itself" in result.stderr


def test_real_repository_site_files_are_valid() -> None:
    problems = Problems()
    cluster = load_cluster(Path(__file__).resolve().parent.parent, problems)
    assert [p.format() for p in problems] == []
    assert len(cluster.of_kind("portal")) == 1
    assert len(cluster.of_kind("county")) == 6
    assert len(cluster.of_kind("department")) >= 5


def test_short_hex_colours_are_read_like_css(small_cluster: Repo) -> None:
    small_cluster.site("arxan", "阿尔山市人民政府", extra='[theme]\nprimary = "#036"\naccent = "#fc6"')
    problems = Problems()
    cluster = load_cluster(small_cluster.root, problems)
    assert [p.format() for p in problems] == []
    assert (cluster["arxan"].theme.primary, cluster["arxan"].theme.accent) == ("#003366", "#ffcc66")
