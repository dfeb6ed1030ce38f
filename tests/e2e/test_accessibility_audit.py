"""The accessibility audit itself can fail: a page with known faults is reported."""

from __future__ import annotations

from typing import Any

import pytest


def test_the_audit_reports_an_image_without_text_and_an_empty_button(
    browser: Any, accessible: Any
) -> None:
    page = browser.new_page()
    page.set_content("<html lang='en'><body><main><img src='x.png'><button></button>"
                     "</main></body></html>")
    with pytest.raises(AssertionError, match="image-alt") as failure:
        accessible(page, "a page with known faults")
    assert "button-name" in str(failure.value)
