"""Analyses behind the chapters: one function per figure or table, place + parameters in,
tidy results and plain-language findings out. Templates in ``analyses/`` call these."""
