"""`logpipe scan` without a configuration names services after files and folders."""

from __future__ import annotations

import pytest

from pipeline.scan.service_name import service_from_path
from pipeline.tail.date_hint import date_hint, date_in_name


@pytest.mark.parametrize("path,service", [
    ("/var/log/order-service.2019-01-02.log", "order-service"),
    ("/srv/ruoyi-admin/logs/sys-error.log", "ruoyi-admin"),
    ("/srv/ruoyi-admin/logs/sys-info.2019-01-02.log", "ruoyi-admin"),
    ("/x/logs/catalina.out", "catalina"),
    ("/home/u/pay-gateway/logs/app.log.1.gz", "pay-gateway"),
    ("/opt/acme/account-service/log/spring.log", "account-service"),
    ("/opt/settlement/logs/2019-01-02/error.log", "settlement"),
    ("/tmp/logs/info.log", None),
])
def test_a_service_is_named_after_the_file_or_else_its_nearest_specific_folder(path, service):
    assert service_from_path(path) == service


@pytest.mark.parametrize("name,date", [
    ("sys-info.2019-01-02.log", "2019-01-02"), ("catalina.2019-01-02.log", "2019-01-02"),
    ("app.log.20190102", "2019-01-02"), ("app-2019_01_02.1.log", "2019-01-02"),
    ("app.log", None), ("app.2019-13-02.log", None), ("build-120190102.log", None),
])
def test_a_date_in_a_rolled_file_name_is_found(name, date):
    assert date_in_name(f"/var/log/{name}") == date


def test_without_a_date_in_the_name_the_modification_day_in_the_zone_is_used():
    # 2019-01-01T20:00:00Z is already 2019-01-02 in Shanghai
    assert date_hint("/var/log/app.log", 1546372800.0, "Asia/Shanghai") == "2019-01-02"
    assert date_hint("/var/log/app.log", 1546372800.0, "UTC") == "2019-01-01"
    assert date_hint("/var/log/app.2019-03-04.log", 1546372800.0, "UTC") == "2019-03-04"
    assert date_hint("/var/log/app.log", None) is None
