"""maeum on Discord (discord.py): gateway bot, HTTP interactions, and the push messenger."""
