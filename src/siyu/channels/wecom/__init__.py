"""WeCom (企业微信): customer-contact mass sends, moments, app messages, and its callbacks."""
