"""志愿服务记录证明 (民政部令第67号): certificates of a volunteer's recorded service, their art. 7
table, the A4 page and PDF, public verification at /v/<number>, and the art. 11 check that
services are recorded within 10 working days."""
