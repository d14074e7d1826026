"""The épreuves' texts in English, beside each theme's French `title` and `statement`.

The French texts live with their theme (grading/*_theme.py) and are the reference; these are
their English versions, shown when the page's language is English (`show_statement`) and
written as the kiosk page's `tremplin.title_en` (epreuve_builder). tests/test_lesson_translations.py
checks that both cover exactly the épreuves and match the French structure.
"""

# ruff: noqa: E501 (markdown prose: one line per paragraph or list item, as the learner reads it)
from __future__ import annotations

#: The page's English title (notebook metadata `tremplin.title_en`).
TITLES_EN: dict[str, str] = {
    "chercher-offres": "Assessment: search for job offers",
    "adapter-recherche": "Assessment: adjust your search",
    "reperer-arnaque": "Assessment: spot a suspicious offer",
    "se-renseigner-employeur": "Assessment: find out about the employer",
    "preparer-trajet": "Assessment: plan the trip",
    "candidater-par-courriel": "Assessment: apply by email",
    "suivre-ses-courriels": "Assessment: keep track of your emails",
    "construire-son-cv": "Assessment: build your CV",
    "lettre-adaptee": "Assessment: write a letter that fits the offer",
    "ranger-sauvegarder-imprimer": "Assessment: file, save and print your application",
}


#: The English statement shown at the top of the épreuve page (markdown, like the French one).
STATEMENTS_EN: dict[str, str] = {
    "chercher-offres": """# Assessment: search for job offers

This assessment shows that you can **search for job offers** and **keep the ones that fit your plans**.

1. Read your mission, just below: it is yours alone.
2. Search for offers with the words and filters you choose. You can do as many searches as you like.
3. Save the offers that fit your mission.
4. When you have finished, click “Hand in my assessment”.

Take your time: there is no trick, and you can ask for help with using the computer.""",
    "adapter-recherche": """# Assessment: adjust your search

This assessment shows that you can **adjust your search** when your plans change, and **review your selection** of offers.

1. Read your mission, just below: it has two steps and is yours alone.
2. Step 1: search for and save the offers for your first plan.
3. Step 2: your situation changes. Search with other words and other filters, remove the offers that no longer fit and save the new ones.
4. When you have finished, click “Hand in my assessment”.

Take your time: you can do as many searches as you like.""",
    "reperer-arnaque": """# Assessment: spot a suspicious offer

This assessment shows that you can **recognise a suspicious job offer** (a scam) and **not keep it**.

1. Read your mission, just below: your six offers are yours alone.
2. Read each offer in full. Tick the warning signs you see.
3. If the offer seems suspicious to you, click “I report this offer”. If not, click “This offer looks genuine”.
4. Save at least one genuine offer to your selection.
5. When you have finished, click “Hand in my assessment”.

Take your time: it is your last decision on each offer that counts. Careful: a scam does not always ask for money.""",
    "se-renseigner-employeur": """# Assessment: find out about the employer

This assessment shows that you can **find an employer's contact details** in a reliable source, the company directory, and **not mix up companies**.

1. Read your mission, just below: it is yours alone.
2. Look up the first employer in the directory, open its page and note its contact details: name, postal address, email or phone number.
3. Look up the second employer: several companies have a similar name. Look at the **town** to open the right page.
4. Check the email address you were given with “Check an address seen elsewhere”, then note the contact details from the page.
5. When you have finished, click “Hand in my assessment”.

Take your time: you can search and correct as much as you like. For each company, the last contact details you noted count.""",
    "preparer-trajet": """# Assessment: plan the trip

This assessment shows that you can **plan a journey**: arrive on time, know how long the trip takes and **how much it costs** each month.

1. Read your mission, just below: it is yours alone.
2. Find a trip that gets you there **before** your interview, then click “I keep this trip”.
3. Also find the trip to go to work at your future employer's (it has a change) and keep it.
4. Work out the cost for the month with the cheaper option (tickets or the pass), say whether the car would cost more, and save your answer.
5. When you have finished, click “Hand in my assessment”.

Take your time: you can look for as many trips as you like. The last trip kept and the last answer count.""",
    "candidater-par-courriel": """# Assessment: apply by email

This assessment shows that you can **send an application by email**: to the right recipient, with your documents, politely.

1. Read your mission, just below: the offer, the employer and their address are yours alone.
2. Write to the employer. In “To”, put their address; in “Cc”, your adviser's address.
3. In the subject, give the job and the offer's reference.
4. Write your message in French: a greeting (« Madame, Monsieur, », that is: Dear Sir or Madam), a few sentences, a polite closing, then your name.
5. Attach your CV and your cover letter, as PDF, with clear names.
6. Read it again, then click “Send”. When you have finished, click “Hand in my assessment”.

Careful: never write your social security number, your IBAN or your ID number in an email or an application document.""",
    "suivre-ses-courriels": """# Assessment: keep track of your emails

This assessment shows that you can **reply, forward, follow up** and **recognise a fraudulent email**.

1. Read your mission, just below: your messages and your employers are yours alone.
2. Reply to the recruiter named, with the “Reply” button.
3. Forward the message named to your adviser, with its attachment, using the “Forward” button.
4. Follow up with the employer who has not answered, only if the time given has passed, reminding them of your application.
5. Send your speculative application to the three employers named, as a blind copy (“Bcc”), with a single PDF file under the size asked for.
6. Report each fraudulent email, without clicking its links and without replying. Keep the real messages from recruiters.
7. When you have finished, click “Hand in my assessment”.

Take your time: a message that rushes you, scares you or asks for your papers is suspicious.""",
    "construire-son-cv": """# Assessment: build your CV

This assessment shows that you can **make a clear CV** and save it **as PDF and as Word**, without putting needless personal data on it.

1. Read your mission, just below: the job and the offer you aim for are yours alone.
2. Fill in your contact details: name, email address, phone number, town.
3. Fill in the “Work experience”, “Training” and “Skills” sections. Put the most recent first.
4. Keep your CV to one or two pages. Check the spelling.
5. Give your CV a title that uses the job in the offer, and name skills the offer asks for.
6. Click “Export as PDF”, then “Export as Word (DOCX)”.
7. When you have finished, click “Hand in my assessment”.

Careful: never put your social security number, your IBAN or your ID number on a CV. The photo and the date of birth are optional: it is your choice.""",
    "lettre-adaptee": """# Assessment: write a letter that fits the offer

This assessment shows that you can **write a cover letter** for one specific offer, in your own words.

1. Read your mission, just below: the offer and the employer are yours alone.
2. In the letter editor, choose this offer: the employer's address, the subject and the date fill in by themselves.
3. Write your three paragraphs: “You” (the company and the job), “Me” (what you can do), “Us” (what you could do together, and asking for an interview).
4. Reuse a few key words from the offer. Check the spelling.
5. Export your letter as PDF (to send it) and as Word (DOCX, to keep it).
6. To go further, write a second letter for the second offer in your mission.
7. When you have finished, click “Hand in my assessment”.

A letter copied from the model does not count: the recruiter wants to read you, yourself.""",
    "ranger-sauvegarder-imprimer": """# Assessment: file, save and print your application

This assessment shows that you can **file your documents**, **find them again**, **copy them to a USB key** and **get a print ready**.

1. Read your mission, just below: the application and the file to find are yours alone.
2. In “My documents”, create a folder for the application (“New folder” button) and put your CV and your letter in it.
3. Give your files clear names, such as NOM_Prenom_CV_poste.pdf (never “Document1”).
4. Find the file asked for in your folders, and open it.
5. Copy your CV and your letter to “My USB key”: Tremplin checks that the copy is identical.
6. Click “Print my application” and choose, in this order, your CV, your letter and the file you found: you get an A4 PDF ready to print.
7. When you have finished, click “Hand in my assessment”.

To go further, put a second application away in its own folder.""",
}
