"""Webhooks: deliveries posted as signed JSON to a brand's own endpoint, and the signature check
siyu's inbound webhook endpoint applies (see siyu.channels.signing)."""
