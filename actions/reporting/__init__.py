"""Anonymous figures the county follows; nothing here can be traced back to a person."""
