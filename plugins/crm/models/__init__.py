"""CRM models (tables ``crm_*``), one module per concern; all company-owned:
audited, versioned and archived by core."""
from .classification import PurchaseFigure
from core.calendar import local_now

from .customers import (CHANNELS, DIRECTIONS, KINDS, MARKET_TYPES, STATES, ContactLog, ContactPerson, Customer,
                        normalise_province)
from .receptions import RECEPTION_STATES, TOPICS, VisitReception
from .surveys import SurveyAnswer, SurveyQuestion, SurveyResponse, SurveyTemplate
from .visits import VISIT_KINDS, ReturnVisit

ALL_MODELS = [Customer, ContactPerson, ContactLog, PurchaseFigure, ReturnVisit,
              SurveyTemplate, SurveyQuestion, SurveyResponse, SurveyAnswer, VisitReception]

__all__ = ["ALL_MODELS", "CHANNELS", "DIRECTIONS", "KINDS", "MARKET_TYPES", "RECEPTION_STATES", "STATES", "TOPICS",
           "VISIT_KINDS", "VisitReception",
           "ContactLog", "ContactPerson", "Customer", "PurchaseFigure", "ReturnVisit",
           "SurveyAnswer", "SurveyQuestion", "SurveyResponse", "SurveyTemplate", "local_now", "normalise_province"]
