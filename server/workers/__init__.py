"""Background work: import jobs with progress to poll, and the periodic workers."""
