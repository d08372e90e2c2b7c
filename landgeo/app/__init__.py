"""Whole jobs that read recipes or profile folders and write folders."""
