"""java.util.logging's level names as a JVM in a Chinese locale writes them.

`Level.getLocalizedName()` is what both of Tomcat's JUL layouts print: the two-line
`SimpleFormatter` (`严重: msg` on the record's second line) and the one-line
`OneLineFormatter` (`08-Nov-2017 11:45:04.373 信息 [main] org.apache.Foo.bar msg`).
"""

from __future__ import annotations

# localized name -> the level's own name
LOCALIZED = {"严重": "SEVERE", "警告": "WARNING", "信息": "INFO", "配置": "CONFIG", "详细": "FINE",
             "较详细": "FINER", "非常详细": "FINEST"}
# for a regex: the localized names, the longer first
LOCALIZED_RX = "|".join(sorted(LOCALIZED, key=len, reverse=True))
