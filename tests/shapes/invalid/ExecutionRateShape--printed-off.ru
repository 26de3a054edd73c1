# Printed 80.01% where 8.00 / 10.00 = 80%: beyond the rounding of two places (as the Putuo form prints 86.19% for 86.18304%).
# severity: Warning
# focus: self-evaluation/d/2024/unit/u/project/p/budget/total
PREFIX pk: <https://w3id.org/perfkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX : <https://w3id.org/perfkg/id/>

DELETE DATA { :self-evaluation\/d\/2024\/unit\/u\/project\/p\/budget\/total pk:executionRate "80.00"^^xsd:decimal ; pk:printedExecutionRate "80.00%" . } ;
INSERT DATA { :self-evaluation\/d\/2024\/unit\/u\/project\/p\/budget\/total pk:executionRate "80.01"^^xsd:decimal ; pk:printedExecutionRate "80.01%" . }
