"""Gruppechat: weekly, anonymous, mentor-led group chats. Everything deployed to Lambda lives here."""
