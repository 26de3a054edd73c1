# 88% misses ≥90% yet the full 90 points are awarded (the 总分 raised to match).
# severity: Warning
# focus: self-evaluation/d/2024/unit/u/project/p/result/1
PREFIX pk: <https://w3id.org/perfkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX : <https://w3id.org/perfkg/id/>

DELETE DATA { :self-evaluation\/d\/2024\/unit\/u\/project\/p\/result\/1 pk:pointsAwarded "87"^^xsd:decimal . :self-evaluation\/d\/2024\/unit\/u\/project\/p pk:totalPointsAwarded "95"^^xsd:decimal . } ;
INSERT DATA { :self-evaluation\/d\/2024\/unit\/u\/project\/p\/result\/1 pk:pointsAwarded "90"^^xsd:decimal . :self-evaluation\/d\/2024\/unit\/u\/project\/p pk:totalPointsAwarded "98"^^xsd:decimal . }
