"""Book-club rooms (SPEC §4): group chats as reading clubs, the taste quiz, recommendations from the catalog,
meetings with reminders and a live window."""
