"""The sandbox cloud: an emulator of the part of Azure Resource Manager vnettui uses.

It plays Azure underneath the real SDK and shares no code with the client side.
"""
