"""One module per hard rule of the plan."""
