# 总分 得分 96 where 87 + 8 = 95.
# severity: Violation
# focus: self-evaluation/d/2024/unit/u/project/p
PREFIX pk: <https://w3id.org/perfkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX : <https://w3id.org/perfkg/id/>

DELETE DATA { :self-evaluation\/d\/2024\/unit\/u\/project\/p pk:totalPointsAwarded "95"^^xsd:decimal . } ;
INSERT DATA { :self-evaluation\/d\/2024\/unit\/u\/project\/p pk:totalPointsAwarded "96"^^xsd:decimal . }
