"""SMS through a webhook-style provider (or a small relay in front of Aliyun / Tencent SMS)."""
