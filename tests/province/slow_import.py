"""Imported by the fork server in a pool test: a slow start of the workers."""
import time

time.sleep(3)
