"""Tests of the quality plugin."""
