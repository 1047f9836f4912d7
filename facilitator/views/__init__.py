"""Blueprints: participant pages and join API, staff pages, QR codes, health."""
