"""What runs on the clock, in the scheduler process: `flask --app wsgi bcp scheduler`."""
