"""Images in author Markdown without alt text are located errors in the content file."""

from __future__ import annotations

from zhanqun.content.alt_text import images_without_alt


def _lines(body: str) -> list[int]:
    return [body.count("\n", 0, offset) + 1 for offset, _ in images_without_alt(body)]


def test_markdown_image_without_alt_is_found() -> None:
    assert _lines("正文。\n\n![](files/a.png)\n") == [3]


def test_markdown_image_with_only_spaces_as_alt_is_found() -> None:
    assert _lines("![  ](a.png)") == [1]


def test_reference_image_without_alt_is_found() -> None:
    found = images_without_alt("![][map]\n\n[map]: files/map.png\n")
    assert len(found) == 1 and "![说明图片内容的文字][map]" in found[0][1]


def test_html_img_without_alt_attribute_is_found() -> None:
    found = images_without_alt('<p><img src="files/a.png" width="300"></p>')
    assert len(found) == 1 and "no alt attribute" in found[0][1]


def test_html_img_with_empty_alt_is_found() -> None:
    found = images_without_alt("<IMG SRC='a.png' ALT=''>")
    assert len(found) == 1 and "empty alt" in found[0][1]


def test_images_with_alt_text_pass() -> None:
    assert images_without_alt('![洮儿河治理现场](a.png "图1")\n<img alt="会议现场" src="b.png">\n[![地图](m.png)](big.png)') == []


def test_images_inside_code_are_text_not_images() -> None:
    body = "写法示例：`![](a.png)`\n\n```\n<img src=\"b.png\">\n![](c.png)\n```\n"
    assert images_without_alt(body) == []


def test_missing_alt_is_a_located_error_in_the_content_file(repo) -> None:  # type: ignore[no-untyped-def]
    repo.site("portal", "兴安盟行政公署", kind="portal")
    repo.write("content/portal/files/map.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>')
    repo.write("content/portal/zwdt/a.md", "Title: 标题\nDate: 2026-03-01\n\n第一段。\n\n![]({static}/files/map.svg)\n")
    result = repo.run("build")
    assert result.exit_code == 1
    assert "content/portal/zwdt/a.md:6: missing-alt: image {static}/files/map.svg has no alt text" in result.output
    assert not repo.out("portal").exists()
