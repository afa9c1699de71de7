"""Importing transcripts: readers per format and the batch that stores them."""
