"""The planners' pages in a real browser (Debian's headless Chromium through Selenium), all in
Vietnamese: log in, upload the Thới Bình officials workbook with one bad row, see the row with
its field and what is expected, fix it in the page, see the needs per unit, plan with the
progress bar, read the report, download the workbook and open it with openpyxl, adopt the plan
and compare a budget cut with it. Screenshots go to docs/screenshots/."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import openpyxl
import pytest

from server_support import PASSWORD, make_app, officials_rows

SHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
CHROMIUM = shutil.which("chromium")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER), reason="needs Debian's chromium and chromium-driver"
)
# Vietnamese headers as a province's workbook has them (the loader's aliases).
VI_HEADERS = {
    "id": "Mã cán bộ",
    "full_name": "Họ và tên",
    "position": "Chức danh",
    "unit": "Đơn vị",
    "birth_date": "Ngày sinh",
    "gender": "Giới tính",
    "party_member": "Đảng viên",
    "education": "Trình độ chuyên môn",
    "political_theory": "Lý luận chính trị",
    "state_management": "Quản lý nhà nước",
}
BAD_ROW = 6  # the spreadsheet row (header = 1) whose birth date is made impossible


def _workbook(path: Path) -> str:
    """The example's officials as an Excel workbook with Vietnamese headers; one birth date is
    31/02 (no such day). Returns the correct date of that row."""
    rows = officials_rows()
    header = rows[0]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([VI_HEADERS.get(h, h.replace("competency:", "Năng lực:")) for h in header])
    birth = header.index("birth_date")
    good = rows[BAD_ROW - 1][birth]
    rows[BAD_ROW - 1][birth] = "31/02/" + good[:4]
    for row in rows[1:]:
        sheet.append(row)
    book.save(path)
    return good


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    import uvicorn

    app = make_app(tmp_path_factory.mktemp("web") / "planner.db")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=20)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM  # type: ignore[assignment]
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=vi"):
        options.add_argument(flag)
    options.add_argument("--window-size=1280,1000")
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.downloads = downloads  # type: ignore[attr-defined]
    yield driver
    driver.quit()


def _shot(driver, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(height, 700), 2600))
    driver.save_screenshot(str(SHOTS / f"{name}.png"))
    driver.set_window_size(1280, 1000)


def _wait(driver, condition, limit_s: float = 90):  # type: ignore[no-untyped-def]
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, limit_s, poll_frequency=0.2).until(condition)


def test_upload_fix_plan_download_in_vietnamese(server: str, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    find = browser.find_element
    browser.get(server + "/")
    _wait(browser, lambda d: d.find_element(By.ID, "username"))
    assert "Đăng nhập" in browser.page_source
    find(By.ID, "username").send_keys("camau")
    find(By.ID, "password").send_keys(PASSWORD)
    _shot(browser, "01-dang-nhap")
    find(By.ID, "login").click()

    _wait(browser, lambda d: d.find_element(By.ID, "new-case")).click()
    workbook = tmp_path / "can-bo-thoi-binh.xlsx"
    good_date = _workbook(workbook)
    find(By.ID, "name").send_keys("Thới Bình 2026")
    browser.execute_script(
        "document.getElementById('reference_date').value = '2026-01-15';"
        "document.getElementById('year_from').value = '2026';"
        "document.getElementById('year_to').value = '2026';"
    )
    find(By.ID, "budget_ngan_sach_tinh").send_keys("1200000000")
    find(By.ID, "budget_ngan_sach_trung_uong").send_keys("10000000")
    find(By.ID, "budget_xa_hoi_hoa").send_keys("150000000")
    find(By.ID, "officials").send_keys(str(workbook))
    _shot(browser, "02-ho-so-moi")
    find(By.ID, "create").click()

    # The bad row, with its column and what is expected, in Vietnamese.
    _wait(browser, lambda d: d.find_element(By.ID, "problems"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#problems tr.problem")
    assert len(rows) == 1
    cells = [c.text for c in rows[0].find_elements(By.TAG_NAME, "td")]
    assert cells[0] == str(BAD_ROW) and cells[2] == "Ngày sinh"
    assert "giá trị không hợp lệ" in cells[3] and "ngày dạng YYYY-MM-DD" in cells[4]
    assert "1 dòng có lỗi trong 111 dòng" in find(By.ID, "problem-count").text
    _shot(browser, "03-dong-loi")
    fix = rows[0].find_element(By.CSS_SELECTOR, "input.fix")
    fix.clear()
    fix.send_keys(good_date)
    find(By.ID, "apply-fixes").click()

    # The case: needs per unit.
    _wait(browser, lambda d: d.find_element(By.ID, "units"))
    assert "Đã lưu danh sách 111 cán bộ, công chức" in find(By.ID, "uploaded").text
    units = browser.find_elements(By.CSS_SELECTOR, "#units tbody tr")
    assert len(units) == 12  # Thới Bình's 12 communes
    _shot(browser, "04-nhu-cau-theo-don-vi")

    # Plan, with the progress bar, then the report in the page.
    time_limit = find(By.ID, "time_limit")
    time_limit.clear()
    time_limit.send_keys("2")
    find(By.ID, "run-plan").click()
    _wait(browser, lambda d: d.find_element(By.ID, "progress"))
    _wait(browser, lambda d: d.find_element(By.ID, "percent").text not in ("", "0"), 60)
    _shot(browser, "05-dang-lap-ke-hoach")
    _wait(browser, lambda d: d.find_elements(By.ID, "plan-summary"), 120)
    assert find(By.ID, "status").text == "hoàn thành"
    met, total = (int(x) for x in find(By.ID, "met").text.split("/"))
    assert 0 < met <= total
    _shot(browser, "06-ket-qua-ke-hoach")
    browser.switch_to.frame(find(By.ID, "report"))
    assert "Kế hoạch" in browser.page_source
    browser.switch_to.default_content()

    # Download the workbook and open it.
    find(By.ID, "download-xlsx").click()
    downloads: Path = browser.downloads
    _wait(browser, lambda _d: list(downloads.glob("*.xlsx")), 30)
    path = next(downloads.glob("*.xlsx"))
    book = openpyxl.load_workbook(path)
    assert len(book.sheetnames) >= 5
    assert any("Kế hoạch" in name or "kế hoạch" in name for name in book.sheetnames), (
        book.sheetnames
    )

    # Adopt, then compare a budget cut with the adopted plan.
    find(By.ID, "adopt").click()
    _wait(browser, lambda d: d.find_element(By.ID, "adopted"))
    browser.execute_script(
        "var s = document.getElementById('budget_percent'); s.value = 50;"
        "s.dispatchEvent(new Event('input'));"
    )
    assert find(By.ID, "budget-out").text == "50"
    compare_limit = find(By.ID, "compare_time_limit")
    compare_limit.clear()
    compare_limit.send_keys("2")
    _shot(browser, "07-so-sanh")
    find(By.ID, "run-compare").click()
    _wait(browser, lambda d: d.find_elements(By.ID, "comparison"), 120)
    table = find(By.ID, "comparison").text
    assert "Kế hoạch đã thông qua" in table and "Kinh phí 50 %" in table
    _shot(browser, "08-ket-qua-so-sanh")

    # The English switch.
    find(By.ID, "lang-en").click()
    _wait(browser, lambda d: "Against the adopted plan" in d.page_source)
