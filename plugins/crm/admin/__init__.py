"""The CRM's screens (Flask-Admin views), one module per concern:

* :mod:`.customers`: customers (contacts inline), contact persons, the contact log;
* :mod:`.classification`: purchase figures and the classification run;
* :mod:`.visits`: return visits 回访 and their planning;
* :mod:`.surveys`: satisfaction survey templates and responses;
* :mod:`.receptions`: customer visit reception 顾客来访/参观接待.

The hook ``register_admin_views`` returns :data:`VIEWS`."""
from .classification import PurchaseFigureView
from .customers import ContactLogView, ContactPersonView, CustomerView
from .receptions import VisitReceptionView
from .surveys import SurveyResponseView, SurveyTemplateView
from .visits import ReturnVisitView

#: The screens in menu order.
VIEWS = [CustomerView, ContactPersonView, ContactLogView, VisitReceptionView, ReturnVisitView, SurveyResponseView,
         SurveyTemplateView, PurchaseFigureView]

__all__ = ["VIEWS", "ContactLogView", "ContactPersonView", "CustomerView", "PurchaseFigureView",
           "ReturnVisitView", "SurveyResponseView", "SurveyTemplateView", "VisitReceptionView"]
