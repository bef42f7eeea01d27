"""`maeum chat`: the terminal as a chat platform, with several people and groups played in one window."""
