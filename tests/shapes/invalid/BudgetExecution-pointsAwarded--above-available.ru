# 11 points awarded of 10 for the budget row (the 总分 raised to match).
# severity: Violation
# focus: self-evaluation/d/2024/unit/u/project/p/budget/total
PREFIX pk: <https://w3id.org/perfkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX : <https://w3id.org/perfkg/id/>

DELETE DATA { :self-evaluation\/d\/2024\/unit\/u\/project\/p\/budget\/total pk:pointsAwarded "8"^^xsd:decimal . :self-evaluation\/d\/2024\/unit\/u\/project\/p pk:totalPointsAwarded "95"^^xsd:decimal . } ;
INSERT DATA { :self-evaluation\/d\/2024\/unit\/u\/project\/p\/budget\/total pk:pointsAwarded "11"^^xsd:decimal . :self-evaluation\/d\/2024\/unit\/u\/project\/p pk:totalPointsAwarded "98"^^xsd:decimal . }
