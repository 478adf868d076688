"""The records every layout writes: what a payment service logs in a few seconds.

Plain lines, a timing in Chinese, a MyBatis statement on one thread (Preparing,
Parameters, Total), a Druid slow statement, an error with a trace and a root cause, a
warning whose message runs over two lines, and a line after the trace."""

from __future__ import annotations

from datetime import datetime, timedelta

from bench.layouts.record import Record

T0 = datetime(2026, 11, 30, 14, 7, 3, 125000)
MAPPER = "com.pay.order.mapper.PayOrderMapper.selectByOrderNo"
SQL = "SELECT id, order_no, amount, status FROM pay_order WHERE order_no = ?"

JAVA_TRACE = (
    "java.lang.IllegalStateException: 订单不存在 orderNo=P202611300001\n"
    "\tat com.pay.order.service.impl.PayOrderServiceImpl.notify(PayOrderServiceImpl.java:142)\n"
    "\tat com.pay.order.controller.NotifyController.callback(NotifyController.java:57)\n"
    "\tat java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)\n"
    "\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:883)\n"
    "Caused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.\n"
    "\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)\n"
    "\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:197)\n"
    "\t... 48 common frames omitted\n"
)


def java_records() -> list[Record]:
    t = [T0 + timedelta(milliseconds=37 * i) for i in range(12)]
    web, job, main = "http-nio-8080-exec-7", "pool-3-thread-2", "main"
    mdc = {"traceId": "7f3a9c1e2b4d5f60", "tid": "7f3a9c1e2b4d5f60", "spanId": "2b4d5f60", "requestId": "r-8812",
           "userId": "10086"}
    return [
        Record(t[0], "INFO", main, "com.pay.PaymentApplication", "Started PaymentApplication in 12.468 seconds (JVM running for 13.2)",
               method="logStarted", line=61, duration_ms=12468.0),
        Record(t[1], "INFO", web, "com.pay.order.controller.PayController", "创建支付订单 订单号=P202611300001 金额=128.00",
               method="create", line=44, mdc=mdc),
        Record(t[2], "DEBUG", web, MAPPER, "==>  Preparing: " + SQL, method="debug", line=137, mdc=mdc, sql=SQL),
        Record(t[3], "DEBUG", web, MAPPER, "==> Parameters: P202611300001(String)", method="debug", line=137, mdc=mdc),
        Record(t[4], "DEBUG", web, MAPPER, "<==      Total: 1", method="debug", line=137, mdc=mdc),
        Record(t[5], "INFO", web, "com.pay.order.service.impl.PayOrderServiceImpl", "支付下单完成, 耗时 35ms",
               method="create", line=98, mdc=mdc, duration_ms=35.0),
        Record(t[6], "ERROR", job, "com.alibaba.druid.filter.stat.StatFilter",
               "slow sql 1280 millis. update pay_order set status = ? where order_no = ? and status = ?[\"PAID\",\"P202611300001\",\"PAYING\"]",
               method="internalAfterStatementExecute", line=504,
               sql="update pay_order set status = ? where order_no = ? and status = ?", duration_ms=1280.0),
        Record(t[7], "WARN", job, "com.pay.settle.job.SettleJob", "对账文件缺少记录 count=3\nmissing: P202611290017, P202611290018, P202611290031",
               method="execute", line=73),
        Record(t[8], "ERROR", web, "com.pay.order.controller.NotifyController", "支付回调处理失败 channel=alipay",
               method="callback", line=61, mdc=mdc, trace=JAVA_TRACE,
               error_class="java.lang.IllegalStateException", root_class="java.sql.SQLTransientConnectionException"),
        Record(t[9], "INFO", web, "com.pay.order.controller.NotifyController", "callback handled in 31 ms",
               method="callback", line=70, mdc=mdc, duration_ms=31.0),
        Record(t[10], "INFO", job, "com.pay.settle.job.SettleJob", "Settlement batch 20261130 finished: 1,204 orders",
               method="execute", line=90),
    ]


PY_TRACE = (
    "Traceback (most recent call last):\n"
    '  File "/srv/app/pay/views.py", line 42, in notify\n'
    "    order = Order.objects.get(order_no=order_no)\n"
    '  File "/usr/local/lib/python3.11/site-packages/django/db/models/manager.py", line 87, in manager_method\n'
    "    return getattr(self.get_queryset(), name)(*args, **kwargs)\n"
    "pay.models.Order.DoesNotExist: Order matching query does not exist.\n"
    "\n"
    "During handling of the above exception, another exception occurred:\n"
    "\n"
    "Traceback (most recent call last):\n"
    '  File "/usr/local/lib/python3.11/site-packages/django/core/handlers/exception.py", line 55, in inner\n'
    "    response = get_response(request)\n"
    '  File "/srv/app/pay/views.py", line 44, in notify\n'
    "    raise Http404(\"订单不存在\")\n"
    "django.http.response.Http404: 订单不存在\n"
)
PY_SQL = "SELECT \"pay_order\".\"id\", \"pay_order\".\"amount\" FROM \"pay_order\" WHERE \"pay_order\".\"order_no\" = 'P202611300001' LIMIT 21"


def python_records() -> list[Record]:
    t = [T0 + timedelta(milliseconds=41 * i) for i in range(10)]
    main, req = "MainThread", "Thread-12 (process_request_thread)"
    return [
        Record(t[0], "INFO", main, "django.utils.autoreload", "Watching for file changes with StatReloader",
               method="run_with_reloader", line=668),
        Record(t[1], "DEBUG", req, "django.db.backends", f"(0.003) {PY_SQL}; args=('P202611300001',); alias=default",
               method="debug_sql", line=151, sql=PY_SQL, duration_ms=3.0),
        Record(t[2], "INFO", req, "pay.views", "支付下单完成, 耗时 35ms", method="create", line=31, duration_ms=35.0),
        Record(t[3], "WARNING", req, "pay.services", "对账文件缺少记录 count=3\nmissing: P202611290017, P202611290018",
               method="reconcile", line=77),
        Record(t[4], "ERROR", req, "django.request", "Internal Server Error: /api/pay/notify", method="log_response",
               line=241, trace=PY_TRACE, error_class="django.http.response.Http404",
               root_class="pay.models.Order.DoesNotExist"),
        Record(t[5], "INFO", req, "django.server", "\"POST /api/pay/notify HTTP/1.1\" 500 145", method="log_message",
               line=212),
        Record(t[6], "INFO", main, "pay.tasks", "settlement batch 20261130 finished in 812 ms", method="settle",
               line=58, duration_ms=812.0),
    ]
