"""Collect public funding calls: polite fetching and pure parsers that return CallRecords."""

from scrapers.record import CallRecord, ParseError

__all__ = ["CallRecord", "ParseError"]
