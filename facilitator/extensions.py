"""Extension objects created once and imported everywhere.

This module imports nothing from the application, so any module can import it
without creating an import cycle. The objects are bound to an app in
``create_app``.
"""

from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base of every model."""


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
socketio = SocketIO()
