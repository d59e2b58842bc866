"""Extensions, created once here and bound to the app in create_app()."""
from flask_babel import Babel
from flask_login import LoginManager

babel = Babel()

# flask-login is the current-user layer over our own login sessions (database
# rows, portal/people/sessions.py): it loads the user from the session row on each
# request and never writes its own cookie or session keys.
login_manager = LoginManager()
login_manager.session_protection = None
