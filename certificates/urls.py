from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("<str:number>/", views.verify, name="verify"),
    path("<str:number>/certificate.pdf", views.download, name="download"),
]
