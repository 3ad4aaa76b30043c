"""Reports: a check's result and a drift report in every format maintainers read."""
